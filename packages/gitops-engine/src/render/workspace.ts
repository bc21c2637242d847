import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Scratch space for one render: a copy of the checkout when a tool must see
 * edited files (Kustomize options, Helm dependencies), Helm's homes, the
 * values file. Removed when the render ends, whatever happened.
 */
export class RenderWorkspace {
  private root?: Promise<string>;
  private checkoutCopy?: Promise<string>;

  constructor(private readonly parentDir: string) {}

  private rootDir(): Promise<string> {
    this.root ??= mkdtemp(join(this.parentDir, 'driftless-render-'));
    return this.root;
  }

  /** A fresh directory inside the workspace. */
  async directory(name: string): Promise<string> {
    const dir = join(await this.rootDir(), name);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * A writable copy of the checkout (without `.git`), so edits never touch
   * the immutable checkout. Relative symlinks are copied as they are, so they
   * resolve inside the copy exactly as inside the checkout.
   */
  copyOfCheckout(checkoutDir: string): Promise<string> {
    this.checkoutCopy ??= (async () => {
      const target = join(await this.rootDir(), 'checkout');
      const gitDir = join(checkoutDir, '.git');
      await cp(checkoutDir, target, {
        recursive: true,
        verbatimSymlinks: true,
        filter: source => source !== gitDir,
      });
      return target;
    })();
    return this.checkoutCopy;
  }

  async dispose(): Promise<void> {
    const root = await this.root?.catch(() => undefined);
    if (root) {
      await rm(root, { recursive: true, force: true });
    }
  }
}
