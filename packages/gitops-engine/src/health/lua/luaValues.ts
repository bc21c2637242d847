/**
 * Lua's reading of JSON values, for TypeScript that must decide exactly as
 * the Lua scripts Argo CD ships (Rollout health, Rollout and workload actions).
 */

/** Lua's `tonumber`: numbers, and decimal or hex numeric strings (surrounding spaces allowed); anything else is undefined. */
export function luaToNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) {
    const negative = text.startsWith('-');
    const magnitude = parseInt(text.replace(/^[+-]/, ''), 16);
    return negative ? -magnitude : magnitude;
  }
  return undefined;
}

/** Lua truthiness: everything but nil (absent or null) and false. */
export function isLuaTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

/** Lua's `a or b or ...`: the first truthy operand, else the last one. */
export function luaOr(...operands: unknown[]): unknown {
  for (const operand of operands) if (isLuaTruthy(operand)) return operand;
  return operands[operands.length - 1];
}
