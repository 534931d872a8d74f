package Racklab::File::Locks;
# WebDAV write locks (RFC 4918 class 2), kept in MySQL (table file_locks) so that every file node, whichever
# one nginx picks for a request, sees the same locks. A lock has a token (opaquelocktoken:<uuid>), a root
# path in one user's tree, a depth (0 or infinity), a scope (exclusive or shared), the client's owner XML
# and an expiry (the Timeout the client asked for, at most a week). Expired locks are ignored and swept.
#
# Also the If header (RFC 4918 §10.4): parsed into lists of conditions (state tokens and entity tags,
# each possibly negated), tagged with a resource or not; the header holds when any one list holds.
# A modifying request must (1) pass its If header (else 412) and (2) submit, somewhere in that header,
# the token of every lock protecting what it changes (else 423).
use strict;
use warnings;
use URI;
use URI::Escape qw(uri_unescape);
use Racklab::File::DB qw(dbh_read dbh_write txn lock_user);
use Racklab::File::Path qw(clean_path fail);
use Exporter qw(import);
our @EXPORT_OK = qw(active_locks covers parse_if if_holds submitted_tokens require_tokens new_token
  conflicting_lock assert_unlocked create_lock refresh_locks remove_lock drop_locks_under MAX_TIMEOUT);

use constant MAX_TIMEOUT => 7 * 86400;

my $COLS = 'token, user_id, path, depth, scope, owner, timeout_s, UNIX_TIMESTAMP(expires) - UNIX_TIMESTAMP(UTC_TIMESTAMP()) AS left_s';

# the user's live locks (few: a person holds a handful at a time), from the primary when $db is given
sub active_locks {
    my ($uid, $db) = @_;
    my $rows = eval { ($db // dbh_read())->selectall_arrayref("SELECT $COLS FROM file_locks WHERE user_id = ? AND expires > UTC_TIMESTAMP() ORDER BY path, token", { Slice => {} }, $uid) };
    return @$rows if $rows;
    # a metadata database initialised before locks existed (schema.sql runs on a new volume only): no locks
    # can exist there, so class-1 requests go on; a LOCK fails on the missing table with MySQL's own words
    die $@ unless "$@" =~ /file_locks' doesn't exist/;
    return ();
}

sub _under { my ($path, $root) = @_; return $root eq '/' || $path eq $root || index($path, "$root/") == 0 }

# does lock $l protect $path itself? (its root, or below a depth-infinity root)
sub covers { my ($l, $path) = @_; return $l->{path} eq $path || ($l->{depth} eq 'infinity' && _under($path, $l->{path})) }

sub new_token {
    open(my $fh, '<:raw', '/dev/urandom') or die "cannot read /dev/urandom: $!\n";
    read($fh, my $b, 16) == 16 or die "short read from /dev/urandom\n";
    my @b = unpack('C16', $b);
    $b[6] = ($b[6] & 0x0f) | 0x40;    # version 4 (random)
    $b[8] = ($b[8] & 0x3f) | 0x80;    # RFC 4122 variant
    return sprintf('opaquelocktoken:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x', @b);
}

# parse_if(header text, request path) → [ {path, conds => [ {not, token|etag} … ]} … ], one entry per list;
# an untagged list applies to the request path. Dies 400 on a malformed header.
sub parse_if {
    my ($text, $req_path) = @_;
    my @lists;
    my ($tag, $tagged);
    my $s = $text;
    while (1) {
        $s =~ s/^\s+//;
        last if $s eq '';
        if ($s =~ s/^<([^>]*)>//) {
            fail(400, 'If header: tagged and untagged lists cannot be mixed') if defined $tagged && !$tagged;
            $tagged = 1;
            $tag = _tag_path($1);
            next;
        }
        fail(400, "If header: expected '(' or '<' at '" . substr($s, 0, 20) . "'") unless $s =~ s/^\(//;
        fail(400, 'If header: tagged and untagged lists cannot be mixed') if $tagged && !defined $tag;
        $tagged //= 0;
        my @conds;
        while (1) {
            $s =~ s/^\s+//;
            last if $s =~ s/^\)//;
            my $not = $s =~ s/^Not\s*//i ? 1 : 0;
            if ($s =~ s/^<([^>]*)>//) { push @conds, { not => $not, token => $1 } }
            elsif ($s =~ s/^\[((?:W\/)?"[^"]*")\]//) { push @conds, { not => $not, etag => $1 } }
            else { fail(400, "If header: expected a state token <…> or an entity tag [\"…\"] at '" . substr($s, 0, 20) . "'") }
        }
        fail(400, 'If header: an empty list ()') unless @conds;
        push @lists, { path => $tagged ? $tag : $req_path, conds => \@conds };
    }
    fail(400, 'If header has no list') unless @lists;
    return \@lists;
}

# a tag is an absolute URI or an absolute path; only /dav/ resources of this user can match
sub _tag_path {
    my ($ref) = @_;
    my $p = URI->new($ref)->path;
    return undef unless $p =~ m{^/dav(?:/(.*))?$}s;
    return eval { clean_path(uri_unescape($1 // '')) };
}

sub submitted_tokens {
    my ($lists) = @_;
    return {} unless $lists;
    return { map { $_->{token} => 1 } grep { defined $_->{token} } map { @{ $_->{conds} } } @$lists };
}

# if_holds(lists, locks, etag_of(path) → etag or undef) → true when any list holds
sub if_holds {
    my ($lists, $locks, $etag_of) = @_;
    LIST: for my $list (@$lists) {
        my $path = $list->{path};
        for my $c (@{ $list->{conds} }) {
            my $ok;
            if (!defined $path) { $ok = 0 }
            elsif (defined $c->{token}) { $ok = grep { $_->{token} eq $c->{token} && covers($_, $path) } @$locks }
            else { my $e = $etag_of->($path); $ok = defined $e && _strong($e) eq _strong($c->{etag}) }
            $ok = !$ok if $c->{not};
            next LIST unless $ok;
        }
        return 1;
    }
    return 0;
}

sub _strong { my ($e) = @_; $e =~ s{^W/}{}; return $e }

# require_tokens(locks, submitted, [ [path, how] … ]): how is 'self' (the resource), 'tree' (it and all
# below, for DELETE and MOVE sources, overwritten destinations), or 'member' (a member is added to or
# removed from this collection). Dies 423 naming the first lock whose token is missing. Shared locks on the
# same root need one of their tokens, not all.
sub require_tokens {
    my ($locks, $submitted, $targets) = @_;
    my %need;    # root path → [locks]
    for my $t (@$targets) {
        my ($path, $how) = @$t;
        for my $l (@$locks) {
            my $hit = covers($l, $path) || ($how eq 'tree' && _under($l->{path}, $path));
            push @{ $need{ $l->{path} } }, $l if $hit;
        }
    }
    for my $root (sort keys %need) {
        next if grep { $submitted->{ $_->{token} } } @{ $need{$root} };
        die { status => 423, message => "$root is locked: the request must submit its lock token in an If header", lock_root => $root };
    }
}

# for FTP and the storage API, which have no way to submit a lock token: what a DAV client locked is
# read-only to them until it is unlocked (or times out). Targets as for require_tokens; dies 423.
sub assert_unlocked {
    my ($uid, @targets) = @_;
    my @locks = active_locks($uid);
    return unless @locks;
    eval { require_tokens(\@locks, {}, \@targets); 1 } and return;
    my $e = $@;
    $e->{message} = "$e->{lock_root} is locked by a WebDAV client until it unlocks it or the lock times out" if ref $e eq 'HASH' && $e->{lock_root};
    die $e;
}

# the first live lock a new lock {path, depth, scope} would conflict with (two locks on overlapping
# resources conflict unless both are shared), or undef
sub conflicting_lock {
    my ($locks, $l) = @_;
    for my $o (@$locks) {
        my $overlap = covers($o, $l->{path}) || ($l->{depth} eq 'infinity' && _under($o->{path}, $l->{path}));
        return $o if $overlap && ($o->{scope} eq 'exclusive' || $l->{scope} eq 'exclusive');
    }
    return undef;
}

# a new lock after checking conflicts, in one transaction serialised per user (the user row is the mutex)
sub create_lock {
    my ($uid, $l) = @_;
    txn(sub {
        my ($db) = @_;
        lock_user($db, $uid);
        if (my $o = conflicting_lock([ active_locks($uid, $db) ], $l)) {
            die { status => 423, message => "$o->{path} holds a conflicting $o->{scope} lock", conflict => 1, lock_root => $o->{path} };
        }
        $db->do('DELETE FROM file_locks WHERE user_id = ? AND expires <= UTC_TIMESTAMP()', undef, $uid);
        $db->do('INSERT INTO file_locks (token, user_id, path, depth, scope, owner, timeout_s, expires) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP() + INTERVAL ? SECOND)',
            undef, $l->{token}, $uid, $l->{path}, $l->{depth}, $l->{scope}, $l->{owner}, $l->{timeout}, $l->{timeout});
    });
    return { %$l, timeout_s => $l->{timeout}, left_s => $l->{timeout} };
}

# refresh the submitted locks that cover $path; returns them (empty: none of the tokens applies)
sub refresh_locks {
    my ($uid, $path, $submitted, $timeout) = @_;
    my @mine = grep { $submitted->{ $_->{token} } && covers($_, $path) } active_locks($uid, dbh_write());
    for my $l (@mine) {
        dbh_write()->do('UPDATE file_locks SET timeout_s = ?, expires = UTC_TIMESTAMP() + INTERVAL ? SECOND WHERE token = ?', undef, $timeout, $timeout, $l->{token});
        @$l{qw(timeout_s left_s)} = ($timeout, $timeout);
    }
    return @mine;
}

# remove_lock(uid, path, token) → 1, or 0 when no live lock with that token covers $path
sub remove_lock {
    my ($uid, $path, $token) = @_;
    my ($l) = grep { $_->{token} eq $token && covers($_, $path) } active_locks($uid, dbh_write());
    return 0 unless $l;
    dbh_write()->do('DELETE FROM file_locks WHERE token = ?', undef, $token);
    return 1;
}

# a resource that is gone (DELETE, the source of a MOVE) takes its locks and those below it along
sub drop_locks_under {
    my ($uid, $path) = @_;
    my $like = $path; $like =~ s/([\\%_])/\\$1/g;
    dbh_write()->do('DELETE FROM file_locks WHERE user_id = ? AND (path = ? OR path LIKE ?)', undef, $uid, $path, ($path eq '/' ? '' : $like) . '/%');
}

1;
