/**
 * The README's examples are run, so they cannot drift from the code. A block marked
 * `<!-- readme-test: js -->` is run as an ES module that imports 'xlat464' (the package resolves
 * itself by name) and its output must equal the block after it; a block marked `sh` lists
 * `$ xlat464 ...` commands (`< FILE` feeds a file to stdin), each followed by the exact lines it
 * prints on stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');

interface Example { kind: 'js' | 'sh'; code: string; expected: string; line: number }

function examples(): Example[] {
  const found: Example[] = [];
  const re = /<!-- readme-test: (js|sh) -->\n```\w*\n([\s\S]*?)```\n(?:prints\n```\w*\n([\s\S]*?)```)?/g;
  for (let m = re.exec(readme); m; m = re.exec(readme)) {
    const line = readme.slice(0, m.index).split('\n').length;
    found.push({ kind: m[1] as 'js' | 'sh', code: m[2]!, expected: m[3] ?? '', line });
  }
  return found;
}

test('the README has runnable examples of the library and the CLI', () => {
  const all = examples();
  assert.ok(all.filter((e) => e.kind === 'js').length >= 2);
  assert.ok(all.filter((e) => e.kind === 'sh').length >= 1);
});

for (const ex of examples()) {
  if (ex.kind === 'js') {
    test(`README example at line ${ex.line} prints what the README says`, () => {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', ex.code], { cwd: root, encoding: 'utf8' });
      assert.equal(out, ex.expected);
    });
  } else {
    test(`README commands at line ${ex.line} print what the README says`, () => {
      const lines = ex.code.split('\n');
      let i = 0;
      while (i < lines.length) {
        const cmd = lines[i]!;
        if (!cmd.startsWith('$ xlat464 ')) { i++; continue; }
        const expected: string[] = [];
        for (i++; i < lines.length && !lines[i]!.startsWith('$ '); i++) if (lines[i] !== '') expected.push(lines[i]!);
        let args = cmd.slice('$ xlat464 '.length).split(/\s+/).filter(Boolean);
        // `< FILE` feeds the file to standard input, as the shell would.
        const lt = args.indexOf('<');
        const input = lt >= 0 ? readFileSync(new URL(args[lt + 1]!, `file://${root}`)) : undefined;
        if (lt >= 0) args = args.slice(0, lt);
        const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', ...(input ? { input } : {}) });
        assert.equal(r.stdout, expected.map((l) => l + '\n').join(''), `${cmd}\nstderr: ${r.stderr}`);
      }
    });
  }
}
