/**
 * The SSRF guard of outgoing webhooks: which addresses are inside the operator's network, and
 * the resolution of a webhook's host to addresses the sender may connect to. Checked when a
 * webhook is saved and again before each request, whose connection then goes to the address
 * checked (DNS may answer differently a second time: rebinding).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { DomainError, enforce, policy } from '@todo/domain';

const V4_RANGES: [string, number, string][] = [
  ['0.0.0.0', 8, 'an unspecified address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'an IETF protocol address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];
const V6_RANGES: [string, number, string][] = [
  ['::', 128, 'an unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['fc00::', 7, 'a unique local address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
  ['2001:db8::', 32, 'a documentation address'],
];

const lists = [...V4_RANGES.map((r) => [...r, 'ipv4'] as const), ...V6_RANGES.map((r) => [...r, 'ipv6'] as const)].map(
  ([network, prefix, reason, family]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, family, reason };
  },
);

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad included). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split('%')[0]!;
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const v4From = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * Why `address` is internal (e.g. "a loopback address 127.0.0.1"), or null for a public one.
 * IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by it.
 */
export function internalAddressReason(address: string): string | null {
  if (isIPv6(address)) {
    const g = ipv6Groups(address);
    const zeros = (n: number) => g.slice(0, n).every((x) => x === 0);
    let embedded: string | null = null;
    if (zeros(5) && g[5] === 0xffff)
      embedded = v4From(g[6]!, g[7]!); // ::ffff:a.b.c.d
    else if (zeros(6) && (g[6]! !== 0 || g[7]! > 1))
      embedded = v4From(g[6]!, g[7]!); // ::a.b.c.d
    else if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) embedded = v4From(g[6]!, g[7]!);
    else if (g[0] === 0x2002) embedded = v4From(g[1]!, g[2]!);
    if (embedded) {
      const inner = internalAddressReason(embedded);
      return inner ? `${inner} (in ${address})` : null;
    }
  } else if (!isIPv4(address)) return `not an IP address: ${address}`;
  const family = isIPv4(address) ? 'ipv4' : 'ipv6';
  const hit = lists.find((l) => l.family === family && l.list.check(address, family));
  return hit ? `${hit.reason} ${address}` : null;
}

export interface ResolvedTarget {
  hostname: string;
  address: string;
  family: 4 | 6;
}

/** How a host name becomes addresses; the system resolver unless a test supplies another. */
export type Resolve = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolve: Resolve = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * Resolves the URL's host and refuses it (WEBHOOK_TARGET_REFUSED, field `url`) when it does not
 * resolve or any of its addresses is internal — unless the operator allows internal targets.
 * Returns the address to connect to.
 */
export async function resolveWebhookTarget(
  url: string,
  allowInternal: boolean,
  resolve = systemResolve,
): Promise<ResolvedTarget> {
  const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(hostname);
  } catch {
    addresses = [];
  }
  if (!addresses.length) throw DomainError.field('WEBHOOK_TARGET_REFUSED', 'url', `the host ${hostname} does not resolve`);
  for (const { address } of addresses)
    enforce(policy.reachWebhookTarget({ internal: internalAddressReason(address) }, allowInternal));
  const first = addresses[0]!;
  return { hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
}
