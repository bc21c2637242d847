import { run } from '../index';

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'driftless', ...args], {
    out: text => {
      stdout += text;
    },
    err: text => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
