// duckdb-query.js DIR SQL...: run each SQL statement with DuckDB's Node.js client
// (@duckdb/node-api, installed under DIR/node_modules) and print its rows as CSV
// (RFC 4180 quoting, no header; NULL printed as \N), for the Parquet tests
// (tests/parquet-out.bats). An error is printed on stderr, exit 1.
'use strict';
const path = require('path');
const [dir, ...sqls] = process.argv.slice(2);
const duckdb = require(path.join(path.resolve(dir), 'node_modules', '@duckdb', 'node-api'));

function field(v) {
    if (v === null || v === undefined) return '\\N';
    const s = typeof v === 'object' && v.toString ? v.toString() : String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

(async () => {
    const inst = await duckdb.DuckDBInstance.create(':memory:');
    const con = await inst.connect();
    let out = '';
    for (const sql of sqls) {
        const r = await con.runAndReadAll(sql);
        for (const row of r.getRows()) out += row.map(field).join(',') + '\n';
    }
    process.stdout.write(out);
})().catch((e) => {
    process.stderr.write(String(e && e.message ? e.message : e) + '\n');
    process.exit(1);
});
