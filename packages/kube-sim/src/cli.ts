import { startKubeSim } from './kubeSim';

const USAGE = `usage: kube-sim [--port 6443] [--host 127.0.0.1] [--kubeconfig out.yaml] [--state state.json] [--no-tls] [--no-controllers] [--log-requests]

A Kubernetes API server test double (for tests and the local portal, never production).`;

function readFlag(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  if (index >= 0) return args[index + 1];
  return args.find(arg => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** The `kube-sim` command: runs the server until SIGINT or SIGTERM. */
export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(readFlag(args, '--port') ?? 6443);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(
      `kube-sim: --port must be a port number (0-65535), got ${readFlag(
        args,
        '--port',
      )}\n${USAGE}\n`,
    );
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let sim;
  try {
    sim = await startKubeSim({
      port,
      host: readFlag(args, '--host'),
      kubeconfigPath: readFlag(args, '--kubeconfig'),
      statePath: readFlag(args, '--state'),
      tls: !args.includes('--no-tls'),
      controllers: !args.includes('--no-controllers'),
      logRequests: args.includes('--log-requests'),
      log,
    });
  } catch (error) {
    const message =
      (error as NodeJS.ErrnoException).code === 'EADDRINUSE'
        ? `kube-sim: port ${port} is in use; pick another with --port`
        : (error as Error).message;
    log(message);
    process.exitCode = 1;
    return;
  }
  const running = sim;
  process.stdout.write(`kube-sim listening on ${running.url}\n`);
  if (running.kubeconfigPath)
    process.stdout.write(`kubeconfig written to ${running.kubeconfigPath}\n`);
  const shutdown = () => {
    running.stop().then(
      () => process.exit(0),
      error => {
        log(`kube-sim: stopping failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
