// Run SQL statements with DuckDB (the peer tp is checked against) and print the rows of
// the last one as CSV (RFC 4180, header first, NULL as an empty field) on stdout.
// usage: node duck.js [--rows] SQL [SQL...]; exit 1 with DuckDB's message on an error.
// With --rows: the rows of every statement, no header, NULL as \N (to tell it from ''). With
// DUCK_TIME=FILE, the seconds the statements took (DuckDB's start not counted) are
// written to FILE, for make bench.
const duckdb = require('@duckdb/node-api');

const rowsMode = process.argv[2] === '--rows';
const sqls = process.argv.slice(rowsMode ? 3 : 2);

function field(v) {
    if (v === null || v === undefined) return rowsMode ? '\\N' : '';
    const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

(async () => {
    const inst = await duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
    const con = await inst.connect();
    let res = null;
    const t0 = process.hrtime.bigint();
    let all = '';
    for (const sql of sqls) {
        res = await con.runAndReadAll(sql);
        if (rowsMode)
            for (const row of res.getRowsJson()) all += row.map(field).join(',') + '\n';
    }
    if (process.env.DUCK_TIME)
        require('fs').writeFileSync(process.env.DUCK_TIME,
            (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3) + '\n');
    if (rowsMode) {
        process.stdout.write(all);
        return;
    }
    if (!res) return;
    const out = [res.columnNames().map(field).join(',')];
    for (const row of res.getRowsJson()) out.push(row.map(field).join(','));
    process.stdout.write(out.join('\n') + '\n');
})().catch((e) => {
    process.stderr.write('duck.js: ' + (e && e.message ? e.message : String(e)) + '\n');
    process.exit(1);
});
