import { describe, expect, it } from 'vitest';
import { internalAddressReason, resolveWebhookTarget } from './webhook-target.js';

describe('the webhook SSRF guard', () => {
  it('finds internal addresses of every kind, IPv4 inside IPv6 included', () => {
    const internal = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fd00::1',
      'fc12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '2002:c0a8:0101::1',
    ];
    expect(internal.filter((a) => internalAddressReason(a) === null)).toEqual([]);
    expect(internalAddressReason('::ffff:127.0.0.1')).toMatch(/loopback/);
    expect(internalAddressReason('100.64.0.1')).toMatch(/carrier-grade/);
  });

  it('lets public addresses through', () => {
    const open = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8'];
    expect(open.map(internalAddressReason)).toEqual(open.map(() => null));
  });

  it('refuses a host any of whose addresses is internal, unless the operator allows it', async () => {
    const resolve = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    await expect(resolveWebhookTarget('https://mixed.example/hook', false, resolve)).rejects.toMatchObject({
      code: 'WEBHOOK_TARGET_REFUSED',
      issues: [{ field: 'url' }],
    });
    await expect(resolveWebhookTarget('https://mixed.example/hook', true, resolve)).resolves.toEqual({
      hostname: 'mixed.example',
      address: '93.184.216.34',
      family: 4,
    });
    await expect(resolveWebhookTarget('http://[::1]:8080/', false)).rejects.toMatchObject({ code: 'WEBHOOK_TARGET_REFUSED' });
    await expect(resolveWebhookTarget('http://localhost:8080/', false)).rejects.toMatchObject({ code: 'WEBHOOK_TARGET_REFUSED' });
  });
});
