/** Parses a JSON text column; a broken document names its table and row instead of failing obscurely. */
export function parseStoredJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(
      `The stored JSON of ${where} is unreadable (${
        (error as Error).message
      }); the row was changed outside Driftless`,
    );
  }
}

export function parseOptionalStoredJson<T>(
  text: string | null | undefined,
  where: string,
): T | undefined {
  return text === null || text === undefined
    ? undefined
    : parseStoredJson<T>(text, where);
}
