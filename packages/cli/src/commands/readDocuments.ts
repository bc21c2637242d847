import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { CommandError } from './types';

/** The non-empty YAML (or JSON) documents of a file, with errors naming the file. */
export async function readDocuments(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CommandError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const documents = parseAllDocuments(text);
  const values: unknown[] = [];
  for (const [index, document] of documents.entries()) {
    if (document.errors.length > 0) {
      throw new CommandError(
        `${path} document ${index + 1} is not valid YAML: ${
          document.errors[0].message
        }`,
      );
    }
    const value = document.toJS();
    if (value !== null && value !== undefined) {
      values.push(value);
    }
  }
  return values;
}

/** Exactly one document, for flags that take one object. */
export async function readSingleDocument(
  path: string,
  what: string,
): Promise<unknown> {
  const documents = await readDocuments(path);
  if (documents.length !== 1) {
    throw new CommandError(
      `${path} holds ${documents.length} documents; expected one ${what}`,
    );
  }
  return documents[0];
}
