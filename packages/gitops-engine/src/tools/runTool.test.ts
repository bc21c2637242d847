import { runTool, ToolRunError } from './runTool';

const node = process.execPath;

describe('runTool', () => {
  it('returns what the tool printed and passes arguments verbatim, without a shell', async () => {
    const result = await runTool(node, [
      '-e',
      'process.stdout.write(JSON.stringify(process.argv.slice(1))); process.stderr.write("note")',
      '$HOME; echo injected',
    ]);
    expect(JSON.parse(result.stdout)).toEqual(['$HOME; echo injected']);
    expect(result.stderr).toBe('note');
  });

  it('feeds input to stdin', async () => {
    const result = await runTool(
      node,
      ['-e', 'process.stdin.pipe(process.stdout)'],
      { input: 'kind: ConfigMap\n' },
    );
    expect(result.stdout).toBe('kind: ConfigMap\n');
  });

  it('fails with the exit code and the tail of stderr', async () => {
    const error = await runTool(node, [
      '-e',
      'console.error("error: accumulating resources: missing.yaml"); process.exit(3)',
    ]).catch(e => e);
    expect(error).toBeInstanceOf(ToolRunError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('exited with code 3');
    expect(error.message).toContain('accumulating resources: missing.yaml');
  });

  it('kills a tool that runs past its timeout', async () => {
    const started = Date.now();
    const error = await runTool(node, ['-e', 'setTimeout(() => {}, 30000)'], {
      timeoutMs: 300,
    }).catch(e => e);
    expect(error).toBeInstanceOf(ToolRunError);
    expect(error.timedOut).toBe(true);
    expect(error.message).toContain('timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops a tool that prints more than allowed', async () => {
    const error = await runTool(
      node,
      ['-e', 'process.stdout.write("x".repeat(100000))'],
      { maxOutputBytes: 1000 },
    ).catch(e => e);
    expect(error).toBeInstanceOf(ToolRunError);
    expect(error.message).toContain('printed more than 1000 bytes');
  });

  it('reports a binary that cannot start', async () => {
    const error = await runTool('/nonexistent/kustomize', ['build']).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(ToolRunError);
    expect(error.message).toContain(
      '/nonexistent/kustomize build: could not start',
    );
  });

  it('starts tools from a launcher process, and starts a new launcher when that one dies', async () => {
    const parentOf = async () =>
      Number(
        (
          await runTool(node, [
            '-e',
            'process.stdout.write(String(process.ppid))',
          ])
        ).stdout,
      );
    const launcherPid = await parentOf();
    expect(launcherPid).not.toBe(process.pid);

    const running = runTool(node, ['-e', 'setTimeout(() => {}, 30000)']).catch(
      e => e,
    );
    await new Promise(resolve => setTimeout(resolve, 200));
    process.kill(launcherPid, 'SIGKILL');
    const error = await running;
    expect(error).toBeInstanceOf(ToolRunError);
    expect(error.message).toContain('the tool launcher process ended');

    const nextLauncherPid = await parentOf();
    expect(nextLauncherPid).not.toBe(launcherPid);
    expect(nextLauncherPid).not.toBe(process.pid);
  });
});
