/** Runs `runDoctor` with JSON options from argv[2] and prints the report as JSON (bundled and run inside a namespace). */
import { runDoctor, type DoctorOptions } from '@peerlink/sdk/doctor';

const options = JSON.parse(process.argv[2] ?? '{}') as DoctorOptions;
runDoctor(options).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (err: unknown) => {
    process.stderr.write(`doctor failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
