import { startKubeSim } from '../src';

/**
 * The benchmark's server process: a kube-sim on a free port, reporting its
 * URL, token and CA on stdout as one JSON line, running until killed.
 */
export async function main(args: string[]): Promise<void> {
  const sim = await startKubeSim({
    controllers: args.includes('--controllers'),
    namespaces: ['bench'],
    watchHistory: 20000,
  });
  process.stdout.write(
    `${JSON.stringify({
      url: sim.url,
      token: sim.token,
      ca: sim.caCertificate,
    })}\n`,
  );
  const stop = () => sim.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
