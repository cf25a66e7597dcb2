# Sourced by .ci/run: start the local PostgreSQL cluster if it is not
# running, wait until it accepts connections, and export the DSN that the
# PostgreSQL tests of package store, watch and cmd/vigil read.
# Safe to run more than once.
if [ -z "${VIGIL_TEST_POSTGRES:-}" ]; then
	if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
		pgver=$(ls /etc/postgresql | sort -V | tail -n 1)
		if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
			pg_ctlcluster --skip-systemctl-redirect "$pgver" main start || echo "postgres.sh: could not start PostgreSQL $pgver" >&2
		fi
		for _ in $(seq 1 30); do
			pg_isready -q -h 127.0.0.1 -p 5432 && break
			sleep 1
		done
		if pg_isready -q -h 127.0.0.1 -p 5432; then
			psql -h 127.0.0.1 -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
				psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE test"
			export VIGIL_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
		else
			echo "postgres.sh: PostgreSQL is not ready; its tests will skip" >&2
		fi
	else
		echo "postgres.sh: PostgreSQL is not installed; its tests will skip" >&2
	fi
fi
echo "export VIGIL_TEST_POSTGRES='${VIGIL_TEST_POSTGRES:-}'"
