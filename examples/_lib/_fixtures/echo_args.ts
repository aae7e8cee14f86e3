// A stand-in example for run_example_test.ts: prints its arguments and exits with 3 under --quick.
console.log(Deno.args.join(" "));
Deno.exit(Deno.args.includes("--quick") ? 3 : 0);
