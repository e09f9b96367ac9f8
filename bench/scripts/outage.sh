#!/bin/bash
# Issue 10 side-by-side: a writer at ~1 MB/s (50 KB rows every 50 ms) beside `replicate`
# (ours or the official 0.5.17) to moto_server, which is SIGSTOPped (a black hole) for
# OUTAGE_SECS after 10 s. Reports the WAL's peak, the local staging's peak and how long after
# the outage's end a restore holds every row (the writer goes on for 20 s after it).
# usage: outage.sh ours|official OUTAGE_SECS ; ~1 MB/s writer; black hole by SIGSTOP of moto
set -u
WHO=$1; OUT=${2:-60}
T=~/.cache/skaitch-tools/venv/bin
W=${TMPDIR:-/tmp}/skaitch-outage-bench-$WHO; rm -rf $W; mkdir -p $W
PORT=$((30000 + RANDOM % 5000))
$T/moto_server -H 127.0.0.1 -p $PORT >$W/moto.log 2>&1 & MOTO=$!
for i in $(seq 50); do curl -sf -X PUT http://127.0.0.1:$PORT/bkt >/dev/null && break; sleep 0.2; done
cat > $W/ls.yml <<EOC
dbs:
  - path: $W/app.db
    replica:
      type: s3
      bucket: bkt
      path: fam/app.db
      region: us-east-1
      endpoint: http://127.0.0.1:$PORT
      force-path-style: true
      access-key-id: test
      secret-access-key: test
      sync-interval: 1s
EOC
python3 -c "import sqlite3;c=sqlite3.connect('$W/app.db');c.execute('pragma journal_mode=wal');c.execute('create table t(id integer primary key, b blob)');c.close()"
if [ $WHO = ours ]; then BIN=${OURS:-target/release/litestream-rs}; else BIN="env -u AWS_CA_BUNDLE $T/litestream"; fi
$BIN replicate -config $W/ls.yml >$W/rep.log 2>&1 & REP=$!
python3 - "$W/app.db" $((OUT+30)) <<'PY' &
import sqlite3, sys, time, os
c=sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
end=time.time()+float(sys.argv[2])
while time.time()<end:
    c.execute('insert into t(b) values(?)',(os.urandom(50000),)); time.sleep(0.05)
PY
WR=$!
peak=0; speak=0; start=$(date +%s)
sample() { s=$(stat -c %s $W/app.db-wal 2>/dev/null || echo 0); [ $s -gt $peak ] && peak=$s; st=$(du -sb $W/app.db-litestream* $W/.app.db-litestream 2>/dev/null | awk '{s+=$1} END {print s+0}'); [ $st -gt $speak ] && speak=$st; }
while [ $(( $(date +%s) - start )) -lt 10 ]; do sample; sleep 0.5; done
kill -STOP $MOTO
while [ $(( $(date +%s) - start )) -lt $((10+OUT)) ]; do sample; sleep 0.5; done
kill -CONT $MOTO; back=$(date +%s.%N)
wait $WR
rows=$(python3 -c "import sqlite3;print(sqlite3.connect('$W/app.db').execute('select count(*) from t').fetchone()[0])")
caught=""
for i in $(seq 300); do
  sample
  rm -f $W/r.db; ${OURS:-target/release/litestream-rs} restore -config $W/ls.yml -o $W/r.db $W/app.db >/dev/null 2>&1
  n=$(python3 -c "import sqlite3;print(sqlite3.connect('$W/r.db').execute('select count(*) from t').fetchone()[0])" 2>/dev/null || echo 0)
  if [ "$n" = "$rows" ]; then caught=$(python3 -c "import time;print(round(time.time()-$back,1))"); break; fi
  sleep 1
done
echo "$WHO outage=${OUT}s wal_peak_bytes=$peak staging_peak_bytes=$speak rows=$rows caught_up_after_writes_end_s=$caught"
kill -TERM $REP; wait $REP 2>/dev/null; kill $MOTO
