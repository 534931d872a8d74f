package Racklab::DbClient;
# The one database connection policy of every lab DB client (webmail, LMTP proxy): use the writable primary;
# fall back to a read-only replica only while no writable server answers, and never stay there.
#   * Only a handle to a WRITABLE server (@@read_only = 0) is kept between requests. It is re-checked (one
#     query, which is also the ping) at most once a second, so a server that turned read-only is dropped.
#   * A replica handle lives for one request (done() drops it): the next request looks for the primary
#     again. A host that did not answer is skipped for BACKOFF seconds, so an outage costs one connect
#     timeout per back-off, not one per request. When EVERY host is in back-off the request tries them all
#     anyway: skipping is only worth it while another server may answer, and a request must never be refused
#     just because the last one failed (after a network cut was undone, the first RCPT got 451 for up to 5 s).
#   * The back-off is shared by every client process of the container (a file per host in DOWN_DIR): a dead
#     primary whose address no longer answers costs a 2 s connect timeout (EHOSTUNREACH after ARP gives up),
#     and with a per-process back-off each of Apache's children paid it every 5 s, so /health, logins and the
#     LMTP proxy's lookups stalled again and again (the frontends' upstream checks, 2 s, saw both web backends
#     "down" while db1 was dead). One process claims the retry of a host in back-off; the others skip it
#     meanwhile. quick (dbh(quick => 1), for /health) gives a host out of back-off 1 s to answer, not 2.
#   * A host found down before (its back-off, this process's or the container's) is asked again with a bare TCP
#     connect of RECHECK_S first: a dead address costs that, not the 1-2 s connect timeout, each time a back-off
#     ends or a write looks for the primary. With db1 powered off, /health answers paid 1 s every 5 s and logins
#     2 s each, and with Apache's one spare child the frontends' checks queued behind them (web2's /health 2.5 s
#     in the db-fallback test: past the frontends' 2 s). MariaDB counts each bare connect as an aborted one, but
#     with skip-name-resolve (90-racklab.cnf) it never blocks a host for them: measured, 10 bare connects with
#     max_connect_errors=3, then a login that worked.
#   * Writes go through writable_dbh(): on a replica it looks for the primary once more, back-off or not,
#     and then dies with a Racklab::DbClient::ReadOnly: callers show a clear "read-only" answer instead of
#     failing the write on the replica.
#   * Which server is "the primary" comes from Racklab::DbPrimary: after a promote or fail-back the engine
#     writes the primary's address to /run/racklab/db-primary in every client. With that pointer, only the
#     pointed-to server is held as the primary (a stale old primary that still takes writes is never used for
#     them), it is tried first, and a held handle is dropped as soon as the pointer moves. Without a pointer
#     the first writable server in DB_HOSTS order is the primary (the topology's starting point).
# Each process writes what it holds to STATE_DIR/<pid>.json, with the pointer it connected under; it rewrites
# that only when it handles a request. `racklab-db-status` reads them (db.clients probe): a handle taken under
# another pointer than the current one is reported as held by no one, because dbh() drops it unused.
use strict;
use warnings;
use DBI;
use JSON::PP ();
use IO::Socket::INET;
use Time::HiRes qw(time);
use Racklab::DbPrimary qw(ordered_hosts primary_stamp);

our $STATE_DIR = '/run/racklab/db-clients';
our $DOWN_DIR = '/run/racklab/db-down';
my $BACKOFF = 5;
my $RECHECK = 1;
my $CONNECT_TIMEOUT = 2;
my $RECHECK_S = 0.5;

# the shared back-off of host $h: (until, why), or () when no process found it down since its last answer
sub _shared_down {
    my ($h) = @_;
    my ($name) = $h =~ /^([\w.:-]+)$/ or return ();
    open my $f, '<', "$DOWN_DIR/$name" or return ();
    my ($until, $why) = (<$f> // '') =~ /^([\d.]+) (.*)$/ or return ();
    return ($until, $why);
}

# best effort (a full /run must not fail a request): written whole, then renamed. The entrypoint makes DOWN_DIR,
# owned by the service's user (a client run as root, racklab-db-status, shares nothing)
sub _mark_down {
    my ($h, $until, $why) = @_;
    my ($name) = $h =~ /^([\w.:-]+)$/ or return;
    my $f = "$DOWN_DIR/$name";
    eval {
        open my $fh, '>', "$f.$$" or die;
        print $fh sprintf('%.3f %s', $until, $why // 'no answer'), "\n";
        close $fh or die;
        rename "$f.$$", $f or die;
    };
    unlink "$f.$$";
}

sub _mark_up { my ($h) = @_; my ($name) = $h =~ /^([\w.:-]+)$/ or return; unlink "$DOWN_DIR/$name" }

# new(hosts => [ip…] (primary first), password => '…', client => 'webmail', attrs => {extra DBI attrs}, read_timeout => 10)
sub new {
    my ($class, %o) = @_;
    die "Racklab::DbClient: no database hosts\n" unless @{ $o{hosts} // [] };
    return bless { %o, down_until => {}, why => {} }, $class;
}

sub _connect {
    my ($self, $h, $timeout) = @_;
    my $rt = $self->{read_timeout} // 10;
    my $dbh = DBI->connect("DBI:MariaDB:database=racklab;host=$h;mariadb_connect_timeout=$timeout;mariadb_read_timeout=$rt;mariadb_write_timeout=$rt",
        'app', $self->{password}, { RaiseError => 1, PrintError => 0, AutoCommit => 1, mariadb_auto_reconnect => 0, %{ $self->{attrs} // {} } });
    my ($ro, $name) = $dbh->selectrow_array('SELECT @@global.read_only, @@hostname');
    return { dbh => $dbh, host => $h, name => $name // $h, writable => !$ro, since => time, checked => time };
}

# does anything accept on MariaDB's port of $h within RECHECK_S? (a host found down: see the header)
sub _port_answers {
    my ($h) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $h, PeerPort => 3306, Proto => 'tcp', Timeout => $RECHECK_S) or return 0;
    close $s;
    return 1;
}

sub _err { my ($e) = @_; $e = DBI->errstr // $e // 'no answer'; $e =~ s/\s+$//; return $e }

# the writable primary if one answers, else a read-only replica for this request; dies if none answers.
# quick => 1: a server out of its back-off gets 1 s to answer, not 2 (/health: inside the frontends' 2 s check)
sub dbh {
    my ($self, %o) = @_;
    if (my $c = $self->{held}) {
        # a promote or fail-back moved the primary: leave this one, even if it still answers writable
        if (primary_stamp() ne $c->{stamp}) {
            $self->{why}{ $c->{host} } = "the primary moved from $c->{name} to " . (primary_stamp() || 'the first writable server');
            $self->_drop('held');
            return $self->_search(0, $o{quick});
        }
        return $c->{dbh} if time - $c->{checked} < $RECHECK;
        my ($ro) = eval { $c->{dbh}->selectrow_array('SELECT @@global.read_only') };
        if (defined $ro && !$ro) { $c->{checked} = time; return $c->{dbh} }
        $self->{why}{ $c->{host} } = defined $ro ? "$c->{name} turned read-only" : "$c->{name} stopped answering: " . _err($@);
        $self->_drop('held');
    }
    return $self->{replica}{dbh} if $self->{replica};
    return $self->_search(0, $o{quick});
}

# connect to the primary (the pointer's server, else the first writable one in host order), else keep the
# first server that answers for this request, read-only for us.
# $now: also try the hosts in back-off (a write is about to be refused otherwise)
# $quick: a host out of back-off gets 1 s to answer, not 2: /health stays inside the frontends' 2 s check and still
# tells within one back-off when a server came back (an unreachable address fails only at the timeout)
sub _search {
    my ($self, $now, $quick) = @_;
    my (@why, $fallback);
    my $stamp = primary_stamp();
    my @hosts = ordered_hosts(@{ $self->{hosts} });
    my %shared = map { my @d = _shared_down($_); @d ? ($_ => \@d) : () } @hosts;
    # until when a host is skipped: this process's back-off or the container's, whichever ends later
    my $until = sub {
        my ($h) = @_;
        my $u = $self->{down_until}{$h} // 0;
        my $sh = $shared{$h} ? $shared{$h}[0] : 0;
        $u = $sh if $sh > $u;
        return $u;
    };
    $now = 1 unless grep { $until->($_) <= time } @hosts;
    for my $h (@hosts) {
        if (!$now && $until->($h) > time) {
            # why this process skips it: its own failure while its back-off runs, else the one another process saw
            push @why, ($self->{down_until}{$h} // 0) > time || !$shared{$h} ? $self->{why}{$h} : "$h: $shared{$h}[1]";
            next;
        }
        # a host another process found down: claim its retry, so the others skip it while this one waits
        _mark_down($h, time + $CONNECT_TIMEOUT + 1, $shared{$h}[1]) if $shared{$h};
        my ($c, $e);
        if (($shared{$h} || exists $self->{down_until}{$h}) && !_port_answers($h)) {
            # still down: the reason it was found down with, not the bare connect's
            $e = (($self->{why}{$h} // '') =~ s/^\Q$h\E: //r) || ($shared{$h} ? $shared{$h}[1] : '') || "no answer within $RECHECK_S s";
        } else {
            $c = eval { $self->_connect($h, $quick ? 1 : $CONNECT_TIMEOUT) };
            $e = _err($@) unless $c;
        }
        unless ($c) {
            $self->{why}{$h} = "$h: $e";
            $self->{down_until}{$h} = time + $BACKOFF;
            _mark_down($h, time + $BACKOFF, $e);
            push @why, $self->{why}{$h};
            next;
        }
        _mark_up($h) if $shared{$h};
        delete $self->{down_until}{$h};
        $c->{stamp} = $stamp;
        # with a pointer, a writable server that is not the pointed-to primary (an old primary come back,
        # not fenced yet) is no primary: never written to, and read only while nothing else answers
        if ($c->{writable} && $stamp ne '' && $h ne $stamp) {
            $c->{writable} = 0;
            push @why, "$c->{name} takes writes but is not the primary ($stamp is)";
            if ($fallback) { $c->{dbh}->disconnect } else { $fallback = $c }
            next;
        }
        if ($c->{writable}) {
            $fallback->{dbh}->disconnect if $fallback;
            $self->{held} = $c;
            $self->_state;
            return $c->{dbh};
        }
        if ($fallback) { $c->{dbh}->disconnect } else { $fallback = $c }
        push @why, "$c->{name} is read-only";
    }
    die "no database answers (" . join('; ', @why) . ")\n" unless $fallback;
    $fallback->{why} = join('; ', @why);
    $self->{replica} = $fallback;
    $self->_state;
    return $fallback->{dbh};
}

# a handle that may write, or a Racklab::DbClient::ReadOnly saying why there is none
sub writable_dbh {
    my ($self) = @_;
    my $dbh = $self->dbh;
    return $dbh if $self->{held};
    # on a replica: look for the primary once more, back-off or not, before refusing (once per request)
    unless ($self->{replica}{write_tried}) {
        my $replica = delete $self->{replica};
        my $again = eval { $self->_search(1) };
        my $failed = $@;
        if ($self->{held}) { eval { $replica->{dbh}->disconnect }; return $again }
        # still no primary: keep this request's replica, with the fresh reason
        $replica->{why} = $self->{replica} ? $self->{replica}{why} : $failed =~ s/\s+$//r;
        $self->_drop('replica');
        $self->{replica} = $replica;
        $replica->{write_tried} = 1;
        $self->_state;
    }
    die Racklab::DbClient::ReadOnly->new(server => $self->{replica}{name}, why => $self->{replica}{why});
}

sub writable { my ($self) = @_; return $self->{held} ? 1 : 0 }
# the server the last dbh() answered with (name, e.g. db1), or undef
sub server { my ($self) = @_; my $c = $self->{held} // $self->{replica}; return $c ? $c->{name} : undef }

# end of a request: a replica handle is never kept, so the next request looks for the primary again
sub done {
    my ($self) = @_;
    return unless $self->{replica};
    $self->_drop('replica');
}

# a query failed on the handle dbh() gave: drop it, so the next dbh() connects afresh
sub forget {
    my ($self) = @_;
    $self->_drop('held');
    $self->_drop('replica');
}

sub _drop {
    my ($self, $which) = @_;
    my $c = delete $self->{$which} or return;
    eval { $c->{dbh}->disconnect };
    $self->_state;
}

# what this process holds now, for racklab-db-status (best effort: a full /run must not fail a request)
sub _state {
    my ($self) = @_;
    my $c = $self->{held} // $self->{replica};
    my $doc = {
        pid => $$ + 0, client => $self->{client} // 'db-client', at => int(time),
        holds => $c ? { host => $c->{host}, server => $c->{name}, writable => ($c->{writable} ? JSON::PP::true : JSON::PP::false), since => int($c->{since}),
            pointer => $c->{stamp} // '' } : undef,
        ($c && !$c->{writable} ? (why => $c->{why}) : ()),
    };
    my ($pid) = "$$" =~ /^(\d+)$/;
    my $f = "$STATE_DIR/$pid.json";
    eval {
        open my $fh, '>', "$f.tmp" or die;
        print $fh JSON::PP->new->canonical->encode($doc);
        close $fh or die;
        rename "$f.tmp", $f or die;
    };
}

# { instances => [each live process's state], fresh => what a new connection gets now }, for racklab-db-status
sub status {
    my (%o) = @_;
    my @inst;
    my $pointer = primary_stamp();
    for my $f (sort glob "$STATE_DIR/*.json") {
        my ($pid) = $f =~ m{/(\d+)\.json$} or next;
        unless (-d "/proc/$pid") { unlink $f; next }
        open my $fh, '<', $f or next;
        my $doc = eval { JSON::PP::decode_json(do { local $/; <$fh> }) } or next;
        push @inst, moved_on($doc, $pointer);
    }
    my $probe = Racklab::DbClient->new(%o, client => 'racklab-db-status');
    # what a new connection gets now: every host tried, whatever the processes' shared back-off says
    local $STATE_DIR = '/nonexistent';
    local $DOWN_DIR = '/nonexistent';
    my $fresh = eval { $probe->dbh; { server => $probe->server, writable => ($probe->writable ? JSON::PP::true : JSON::PP::false),
        ($probe->writable ? () : (why => $probe->{replica}{why})) } } // { server => undef, writable => JSON::PP::false, why => ($@ =~ s/\s+$//r) };
    $probe->done;
    $probe->_drop('held');
    return { instances => \@inst, fresh => $fresh };
}

# An idle process's file still names the handle it took under an older pointer; dbh() never uses such a
# handle again (it drops it first, on the next request), so the process holds nothing that will be used.
sub moved_on {
    my ($doc, $pointer) = @_;
    my $h = $doc->{holds} or return $doc;
    my $was = $h->{pointer} // '';
    return $doc if $was eq $pointer;
    return { %$doc, holds => undef, left => $h->{server},
        why => "the primary moved from " . ($was || 'the first writable server') . " to " . ($pointer || 'the first writable server')
            . "; it drops its handle to $h->{server} on its next request" };
}

package Racklab::DbClient::ReadOnly;
# thrown by writable_dbh(): only a read-only replica answers; `why` says what happened to the primary
sub new { my ($class, %o) = @_; return bless {%o}, $class }
sub message { my ($self) = @_; return "only the read-only replica $self->{server} answers ($self->{why}); nothing was written" }

1;
