/** Runs a command-line entry point: exit 0 when it resolves, print the error and exit 1 when it fails. */
export function runMain(main: () => Promise<unknown>): void {
  main().then(() => process.exit(0), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
