/**
 * Issue 21 over MCP: a token minted by another token stops working for an MCP client when its
 * parent is revoked, and signing out everywhere with tokens revokes them all. Official SDK
 * client over Streamable HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpHarness, type McpHarness } from './harness.js';

describe('MCP clients and token revocation', () => {
  let h: McpHarness;
  beforeAll(async () => {
    h = await createMcpHarness();
  });
  afterAll(() => h?.close());

  it('cuts off a client whose token was minted by a token revoked since', async () => {
    const u = await h.user();
    const asParent = await h.services.auth.authenticate(u.token);
    const child = await h.services.tokens.create(asParent, { name: 'assistant', scopes: ['read'], expiresAt: null });
    const client = await h.client(child.secret);
    expect((await client.callTool({ name: 'list_tasks', arguments: {} })).isError).toBeFalsy();

    await h.services.tokens.revoke(u.principal, asParent.tokenId!);
    await expect(client.callTool({ name: 'list_tasks', arguments: {} })).rejects.toThrow(/401|invalid, expired or revoked/);
    await expect(h.client(child.secret)).rejects.toThrow();
  });

  it('cuts off every client after sign-out-everywhere with tokens', async () => {
    const u = await h.user();
    const client = await h.client(u.token);
    expect((await client.callTool({ name: 'list_tasks', arguments: {} })).isError).toBeFalsy();
    await h.services.auth.signOutEverywhere(u.principal, { tokens: true });
    await expect(client.callTool({ name: 'list_tasks', arguments: {} })).rejects.toThrow(/401|invalid, expired or revoked/);
  });
});
