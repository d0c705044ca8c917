/**
 * Before the run: drop test databases that earlier runs left behind when they were killed
 * (names carry their creation time: eiso_test_<base36 ms>_<random>). Only ones older than an hour,
 * so a run going on in another terminal keeps its database.
 */
const { Client } = require(require.resolve('pg', { paths: [`${__dirname}/packages/db`] }));

module.exports = async function dropStaleTestDatabases() {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`Tests need PostgreSQL at ${url.host} (set DATABASE_URL): ${error.message}`);
  }
  try {
    const { rows } = await client.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'eiso\\_test\\_%'`,
    );
    const hourAgo = Date.now() - 3_600_000;
    for (const { datname } of rows) {
      const created = parseInt(datname.split('_')[2], 36);
      if (Number.isFinite(created) && created < hourAgo) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
  } finally {
    await client.end();
  }
};
