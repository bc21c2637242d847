import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { compareCodeUnits } from './compare';
import type { RenderSourceType, RenderTool } from './types';

/** A finished render as the caches keep it: objects serialized once, parsed per hit, so callers never share objects. */
export interface StoredRender {
  objectsJson: string;
  sourceType: RenderSourceType;
  renderedBy: { tool: RenderTool; version?: string };
  /** Whether any object is a core/v1 Secret, whose data must not reach the disk in clear. */
  containsSecret: boolean;
}

/** JSON with object keys sorted, so equal inputs always hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(item => canonicalJson(item ?? null)).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => compareCodeUnits(a, b));
    return `{${entries
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** In-memory results, least recently used evicted first, bounded by count and by serialized size. */
export class MemoryRenderCache {
  private readonly entries = new Map<string, StoredRender>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(key: string): StoredRender | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: StoredRender): void {
    const size = entry.objectsJson.length;
    if (size > this.maxBytes || this.maxEntries < 1) {
      return;
    }
    const previous = this.entries.get(key);
    if (previous) {
      this.bytes -= previous.objectsJson.length;
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += size;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) {
        break;
      }
      this.entries.delete(oldestKey);
      this.bytes -= oldest.objectsJson.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const DISK_FORMAT = 1;
const SWEEP_EVERY_WRITES = 64;
const ORPHANED_TEMP_FILE_AGE_MS = 60 * 60 * 1000;

interface DiskEntry {
  format: number;
  key: string;
  render?: StoredRender;
  encrypted?: { iv: string; tag: string; data: string };
}

function isStoredRender(value: unknown): value is StoredRender {
  const entry = value as StoredRender;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.objectsJson === 'string' &&
    typeof entry.sourceType === 'string' &&
    typeof entry.renderedBy?.tool === 'string' &&
    typeof entry.containsSecret === 'boolean'
  );
}

/**
 * Results on disk, one file per key, written atomically (temporary file, then
 * rename), so a crash never leaves a half entry under a real name. An entry
 * that cannot be read back — truncated, edited, wrong key, undecryptable — is
 * treated as absent and rendered again.
 */
export class DiskRenderCache {
  private readonly key?: Buffer;
  private writes = 0;

  constructor(
    private readonly dir: string,
    private readonly maxAgeMs: number,
    encryptionKey?: string | Buffer,
  ) {
    if (encryptionKey !== undefined) {
      this.key = Buffer.from(
        hkdfSync(
          'sha256',
          encryptionKey,
          Buffer.alloc(0),
          'driftless render cache',
          32,
        ),
      );
    }
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<StoredRender | undefined> {
    const path = this.pathOf(key);
    let text: string;
    try {
      const info = await stat(path);
      if (Date.now() - info.mtimeMs > this.maxAgeMs) {
        await rm(path, { force: true });
        return undefined;
      }
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    const render = this.decode(text, key);
    if (render) {
      const now = new Date();
      // Touching the entry keeps what is in use from ageing out.
      await utimes(path, now, now).catch(() => undefined);
    }
    return render;
  }

  private decode(text: string, key: string): StoredRender | undefined {
    try {
      const entry = JSON.parse(text) as DiskEntry;
      if (entry.format !== DISK_FORMAT || entry.key !== key) {
        return undefined;
      }
      let render: unknown = entry.render;
      if (entry.encrypted) {
        if (!this.key) {
          return undefined;
        }
        const decipher = createDecipheriv(
          'aes-256-gcm',
          this.key,
          Buffer.from(entry.encrypted.iv, 'base64'),
        );
        decipher.setAAD(Buffer.from(key));
        decipher.setAuthTag(Buffer.from(entry.encrypted.tag, 'base64'));
        const plain = Buffer.concat([
          decipher.update(Buffer.from(entry.encrypted.data, 'base64')),
          decipher.final(),
        ]).toString('utf8');
        render = JSON.parse(plain);
      }
      if (!isStoredRender(render)) {
        return undefined;
      }
      JSON.parse(render.objectsJson);
      return render;
    } catch {
      return undefined;
    }
  }

  /** Stores an entry; returns false when it may not be stored (a Secret and no encryption key). */
  async set(key: string, render: StoredRender): Promise<boolean> {
    let entry: DiskEntry;
    if (this.key) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      cipher.setAAD(Buffer.from(key));
      const data = Buffer.concat([
        cipher.update(JSON.stringify(render), 'utf8'),
        cipher.final(),
      ]);
      entry = {
        format: DISK_FORMAT,
        key,
        encrypted: {
          iv: iv.toString('base64'),
          tag: cipher.getAuthTag().toString('base64'),
          data: data.toString('base64'),
        },
      };
    } else if (render.containsSecret) {
      return false;
    } else {
      entry = { format: DISK_FORMAT, key, render };
    }
    const path = this.pathOf(key);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString(
      'hex',
    )}.tmp`;
    await mkdir(join(this.dir, key.slice(0, 2)), {
      recursive: true,
      mode: 0o700,
    });
    try {
      await writeFile(temporary, JSON.stringify(entry), { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    if (++this.writes % SWEEP_EVERY_WRITES === 0) {
      await this.sweep();
    }
    return true;
  }

  /** Deletes entries unused for longer than the maximum age, and temporary files a crash left. */
  async sweep(): Promise<void> {
    const now = Date.now();
    const shards = await readdir(this.dir).catch(() => [] as string[]);
    for (const shard of shards) {
      const shardDir = join(this.dir, shard);
      const files = await readdir(shardDir).catch(() => [] as string[]);
      for (const file of files) {
        const path = join(shardDir, file);
        const info = await stat(path).catch(() => undefined);
        if (!info?.isFile()) {
          continue;
        }
        const limit = file.endsWith('.tmp')
          ? ORPHANED_TEMP_FILE_AGE_MS
          : this.maxAgeMs;
        if (now - info.mtimeMs > limit) {
          await rm(path, { force: true });
        }
      }
    }
  }
}
