/** Sharing a project: invitations, members and their roles, handing it over (docs/projects-and-sharing.md). */
import { z } from 'zod';
import { Invitation, InvitationCreate, Member, MemberPatch, Project, Transfer } from '@todo/domain';
import type { Services } from '@todo/services';
import type { TypedApp } from '../typed-app.js';
import { principalOf, traceparentOf } from '../auth.js';

const IdParams = z.strictObject({ id: z.uuid() });
const InvitationParams = z.strictObject({ id: z.uuid(), invitationId: z.uuid() });
const MemberParams = z.strictObject({ id: z.uuid(), userId: z.union([z.uuid(), z.literal('me')]) });
const Members = z.object({ items: z.array(Member) });
const Invitations = z.object({ items: z.array(Invitation) });
const tags = ['sharing'];

export function registerSharingRoutes(app: TypedApp, { invitations, members }: Pick<Services, 'invitations' | 'members'>): void {
  const ctx = (request: Parameters<typeof principalOf>[0]) => ({
    principal: principalOf(request),
    traceparent: traceparentOf(request),
  });
  app.post(
    '/api/projects/:id/invitations',
    {
      schema: {
        tags,
        summary: 'Invite someone by email (the same answer whether or not the address has an account)',
        params: IdParams,
        body: InvitationCreate,
        response: { 201: Invitation },
      },
    },
    async (request, reply) => reply.status(201).send(await invitations.invite(ctx(request), request.params.id, request.body)),
  );
  app.get(
    '/api/projects/:id/invitations',
    { schema: { tags, summary: "The project's pending invitations", params: IdParams, response: { 200: Invitations } } },
    async (request) => ({ items: await invitations.pending(principalOf(request), request.params.id) }),
  );
  app.delete(
    '/api/projects/:id/invitations/:invitationId',
    { schema: { tags, summary: 'Revoke an invitation', params: InvitationParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await invitations.revoke(principalOf(request), request.params.id, request.params.invitationId);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/invitations',
    { schema: { tags, summary: 'Invitations waiting for your answer', response: { 200: Invitations } } },
    async (request) => ({ items: await invitations.mine(principalOf(request)) }),
  );
  app.post(
    '/api/invitations/:id/accept',
    { schema: { tags, summary: 'Join the project', params: IdParams, response: { 200: Project } } },
    async (request) => invitations.accept(ctx(request), request.params.id),
  );
  app.post(
    '/api/invitations/:id/decline',
    { schema: { tags, summary: 'Decline the invitation', params: IdParams, response: { 204: z.null() } } },
    async (request, reply) => {
      await invitations.decline(principalOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/projects/:id/members',
    { schema: { tags, summary: 'Who shares the project, and their roles', params: IdParams, response: { 200: Members } } },
    async (request) => ({ items: await members.list(principalOf(request), request.params.id) }),
  );
  app.patch(
    '/api/projects/:id/members/:userId',
    { schema: { tags, summary: "Change a member's role", params: MemberParams, body: MemberPatch, response: { 200: Members } } },
    async (request) => ({
      items: await members.setRole(ctx(request), request.params.id, request.params.userId, request.body.role),
    }),
  );
  app.delete(
    '/api/projects/:id/members/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a member, or leave (`me`): their assigned tasks here are unassigned',
        params: MemberParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await members.remove(ctx(request), request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/projects/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Hand the project to another member (you become an admin)',
        params: IdParams,
        body: Transfer,
        response: { 200: Members },
      },
    },
    async (request) => ({ items: await members.transfer(ctx(request), request.params.id, request.body.userId) }),
  );
}
