/**
 * The EventBus contract against a real daprd, once with Redis Streams and once with Kafka: the
 * same code, only the pub/sub component file differs.
 */
import { describe, vi } from 'vitest';
import { runEventBusContract } from './event-bus.contract.js';
import { daprBusHarness } from './dapr.harness.js';
import { BUS_LIMITS, KAFKA_BUS_LIMITS, notForDapr } from './dapr.limits.js';

vi.setConfig({ testTimeout: 60_000 });

describe('Dapr event bus on Redis Streams', () => {
  notForDapr(BUS_LIMITS);
  runEventBusContract('DaprEventBus (redis)', daprBusHarness('redis'));
});

describe('Dapr event bus on Kafka', () => {
  notForDapr(KAFKA_BUS_LIMITS);
  runEventBusContract('DaprEventBus (kafka)', daprBusHarness('kafka'));
});
