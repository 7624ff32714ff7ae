/**
 * Reading column values back into the domain model. node-postgres returns
 * int8 (`bigint`) as strings and SQLite returns numbers; both become numbers
 * here, with a check that the value is a safe integer.
 */
import { GatewayError } from '../errors.js';

export function readInteger(value: number | string | bigint, column: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new GatewayError('INTERNAL', `column ${column} holds ${String(value)}, not a safe integer`);
  }
  return n;
}

export function readNullableInteger(value: number | string | bigint | null, column: string): number | null {
  return value === null ? null : readInteger(value, column);
}

/** Throws when a write would store a value the read path would refuse. */
export function checkInteger(value: number, field: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new GatewayError('VALIDATION_FAILED', `${field} must be a safe integer, got ${value}`);
  }
  return value;
}

export function checkNullableInteger(value: number | null, field: string): number | null {
  return value === null ? null : checkInteger(value, field);
}

/** Groups rows by a key, keeping row order inside each group. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
