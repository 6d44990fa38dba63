/** `createDatabase` opens a PostgreSQL server at a URL or the embedded one; given neither, it says so. */
import { expect, it } from 'vitest';
import { createDatabase } from '../src/index.js';

it('refuses to open a database without a url or a dataDir', async () => {
  await expect(createDatabase({ url: undefined, dataDir: undefined })).rejects.toThrow(
    'createDatabase needs a url (a PostgreSQL server) or a dataDir (the embedded server)',
  );
});
