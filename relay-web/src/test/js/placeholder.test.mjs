import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

test('the page loads its script as a module from the hashed asset path', async () => {
  const page = await readFile(new URL('../../main/resources/io/relaychat/web/client/index.html', import.meta.url), 'utf8');
  assert.match(page, /<script type="module" src="%ASSETS%\/app.js">/);
});
