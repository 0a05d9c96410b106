// Run SQL statements with DuckDB (the peer tp is checked against) and print the rows of
// the last one as CSV (RFC 4180, header first, NULL as an empty field) on stdout.
// usage: node duck.js SQL [SQL...]; exit 1 with DuckDB's message on an error.
const duckdb = require('@duckdb/node-api');

function field(v) {
    if (v === null || v === undefined) return '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

(async () => {
    const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
    const con = await inst.connect();
    let res = null;
    for (const sql of process.argv.slice(2)) res = await con.runAndReadAll(sql);
    if (!res) return;
    const out = [res.columnNames().map(field).join(',')];
    for (const row of res.getRowsJson()) out.push(row.map(field).join(','));
    process.stdout.write(out.join('\n') + '\n');
})().catch((e) => {
    process.stderr.write('duck.js: ' + (e && e.message ? e.message : String(e)) + '\n');
    process.exit(1);
});
