package Racklab::File::DB;
# Metadata lives in MySQL. Writes go to the first database in DB_HOSTS that is writable (the primary);
# reads fall back to a replica, so browsing keeps working while db1 is down and writes are refused with a
# clear error until a primary is back.
use strict;
use warnings;
use DBI;
use Racklab::File::Config qw(cfg);
# the driver is loaded with this module, so in the HTTP and FTP servers' parents before they fork their workers:
# loaded at a worker's first connect instead, each worker kept a copy of its own
DBI->install_driver('MariaDB');
use Exporter qw(import);
our @EXPORT_OK = qw(dbh_read dbh_write txn lock_user);

my (%handle);

sub _connect {
    my ($h) = @_;
    return DBI->connect("DBI:MariaDB:database=racklab;host=$h;mariadb_connect_timeout=2;mariadb_read_timeout=20;mariadb_write_timeout=20",
        'app', cfg('db_password'), { RaiseError => 1, PrintError => 0, AutoCommit => 1, Callbacks => { connected => sub { $_[0]->do(q{SET time_zone = '+00:00'}); return } } });
}

sub _pick {
    my ($want_write) = @_;
    my $key = $want_write ? 'w' : 'r';
    my $d = $handle{$key};
    return $d if $d && eval { $d->ping } && (!$want_write || !_read_only($d));
    delete $handle{$key};
    my @why;
    for my $h (@{ cfg('db_hosts') }) {
        my $c = eval { _connect($h) };
        if (!$c) { push @why, "$h: " . ((DBI->errstr // $@ // 'no answer') =~ s/\s+$//r); next }
        if ($want_write && _read_only($c)) { push @why, "$h: read-only replica"; next }
        return $handle{$key} = $c;
    }
    die { status => 503, message => ($want_write ? 'metadata database refuses writes: no writable primary' : 'no metadata database answers') . ' (' . join('; ', @why) . ')' };
}

sub _read_only { my ($d) = @_; return ($d->selectrow_array('SELECT @@global.read_only'))[0] ? 1 : 0 }

sub dbh_read  { return _pick(0) }
sub dbh_write { return _pick(1) }

# txn(sub { my ($db) = @_; … }) → what the sub returns, in one transaction on the primary. InnoDB picks a
# victim when two transactions wait on each other's locks (two PUTs of one user into one folder: each holds
# the gap its FOR UPDATE found empty and waits to insert into the other's; seen between the monitor's probes
# and litmus), and a victim is meant to run again: up to 5 tries on a deadlock or a lock wait timeout, a few
# random milliseconds apart. Any other error (a fail() with its status included) rolls back and goes up.
my %RETRY = (1213 => 'deadlock', 1205 => 'lock wait timeout');

sub txn {
    my ($code) = @_;
    for my $try (1 .. 5) {
        my $db = dbh_write();
        $db->begin_work;
        my @r;
        my $ok = eval { @r = $code->($db); $db->commit; 1 };
        return wantarray ? @r : $r[0] if $ok;
        my ($e, $err) = ($@, $db->err // 0);
        eval { $db->rollback };
        die $e unless $RETRY{$err} && !ref $e && $try < 5;
        select(undef, undef, undef, 0.005 + rand(0.02 * $try));
    }
}

# Inside a txn: a user's metadata changes one at a time, the user's row being the mutex, taken first. Two PUTs
# into one folder otherwise each locked the gap their FOR UPDATE found empty and then waited to insert into the
# other's (InnoDB killed one: a 500 before txn's retries; 30 PUTs at once still ran out of them). Taken before any
# read, it also makes the transaction's snapshot start after the previous writer's commit.
sub lock_user { my ($db, $uid) = @_; $db->selectrow_array('SELECT id FROM users WHERE id = ? FOR UPDATE', undef, $uid) }

# forget handles after a fork: a child must not share the parent's socket
sub reset { %handle = () }

# a worker's last act (Prefork's child_exit, before its _exit): each connection closed with a proper goodbye,
# so the database does not count and log it as an aborted connection
sub disconnect_all {
    eval { $_->disconnect } for grep { defined } values %handle;
    %handle = ();
}

# after a connection, before the worker's next one: a transaction a handler left open (it rolls back its own
# on errors; this is the guard) must not hold locks or a stale snapshot into someone else's session
sub end_session {
    for my $k (keys %handle) {
        my $d = $handle{$k};
        next if !$d || $d->{AutoCommit};
        eval { $d->rollback; 1 } or delete $handle{$k};
    }
}

1;
