/** Tags (projects, which replaced categories: project.service.ts). */
import { DomainError, type Label, type LabelCreate, type LabelPatch } from '@todo/domain';
import { isUniqueViolation, type Repositories } from '@todo/storage';
import type { Principal, ServiceDeps } from './deps.js';

export type LabelKind = 'tags';

export class LabelService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'clock' | 'ids'>,
    private readonly kind: LabelKind,
  ) {}

  private get repo(): Repositories[LabelKind] {
    return this.deps.store.repos[this.kind];
  }

  list(principal: Principal): Promise<Label[]> {
    return this.repo.list(principal.userId);
  }

  async get(principal: Principal, id: string): Promise<Label> {
    return (await this.repo.find(principal.userId, id)) ?? this.missing();
  }

  async create(principal: Principal, input: LabelCreate): Promise<Label> {
    return this.guardName(() =>
      this.repo.insert({
        id: this.deps.ids.next(),
        userId: principal.userId,
        name: input.name,
        color: input.color,
        now: this.deps.clock.now(),
      }),
    );
  }

  async update(principal: Principal, id: string, patch: LabelPatch): Promise<Label> {
    const updated = await this.guardName(() =>
      this.repo.update(principal.userId, id, { ...patch, updatedAt: this.deps.clock.now() }),
    );
    return updated ?? this.missing();
  }

  async delete(principal: Principal, id: string): Promise<void> {
    if (!(await this.repo.delete(principal.userId, id))) this.missing();
  }

  private missing(): never {
    throw new DomainError('TAG_NOT_FOUND', 'no such tag');
  }

  private async guardName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw DomainError.field('NAME_TAKEN', 'name', 'you already have one with this name');
      throw error;
    }
  }
}
