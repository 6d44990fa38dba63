/**
 * Short log lines for a person at a terminal (`LOG_FORMAT=pretty`, or `auto` on a TTY):
 * `17:40:01 INFO  GET /api/tasks 200 3 ms`. Log collectors get pino's JSON lines instead.
 * Synchronous, so no worker thread is started for it.
 */
import { PinoPretty } from 'pino-pretty';

export const prettyLines = () =>
  PinoPretty({
    sync: true,
    colorize: process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss',
    // What a person reads in the message; the ids stay in the JSON format for collectors.
    ignore: 'pid,hostname,service,roles,reqId,method,path,statusCode,ms,cloudEventId,eventType,traceparent',
    singleLine: true,
  });
