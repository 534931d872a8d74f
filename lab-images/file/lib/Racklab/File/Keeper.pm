package Racklab::File::Keeper;
# Keeping N copies. reconcile() drops this node's claims to blobs its disk no longer has (a lost disk);
# replicate() (one node at a time, under a MySQL lock) copies every blob with fewer than N live copies to
# nodes in other racks, and trims blobs with more than N live copies back to N (a node that was down while its
# blobs were copied elsewhere comes back holding an extra copy of each); scrub() re-reads every local blob,
# checks its SHA1 and repairs bad copies.
use strict;
use warnings;
use File::Path qw(make_path);
use JSON::PP;
use Time::HiRes qw(time);
use Racklab::File::Config qw(cfg nodes);
use Racklab::File::DB qw(dbh_read dbh_write);
use Racklab::File::Blobs qw(has_local list_local verify_local blob_path remove_local);
use Racklab::File::Cluster qw(node_of peer_get peer_stat peer_delete peer_wake);
use Racklab::File::Store qw(place_copies repair_local note holders);
use Exporter qw(import);
our @EXPORT_OK = qw(reconcile replicate scrub status live_nodes);

my $JSON = JSON::PP->new->canonical;

sub _state_file { my ($name) = @_; my $d = cfg('blob_dir') . '/.state'; make_path($d); return "$d/$name" }

sub _read_state { my ($name) = @_; open(my $fh, '<', _state_file($name)) or return undef; local $/; return eval { $JSON->decode(<$fh>) } }

sub _write_state {
    my ($name, $data) = @_;
    my $f = _state_file($name);
    open(my $fh, '>', "$f.tmp") or return;
    print {$fh} $JSON->encode($data);
    close $fh;
    rename "$f.tmp", $f;
}

# live_nodes($patient): the nodes that answer. The probe's view (status) waits 3 s; replication is patient
# (a node that did not answer in 3 s is asked once more, for 15 s): on a loaded host a slow node counted as
# dead had every one of its blobs copied to a third node.
sub live_nodes {
    my ($patient) = @_;
    return map { $_->{id} } grep { $_->{id} eq cfg('server') || peer_stat($_) || ($patient && peer_stat($_, 15)) } nodes();
}

sub reconcile {
    my $me = cfg('server');
    my $rows = dbh_read()->selectcol_arrayref('SELECT sha1 FROM file_copies WHERE node = ?', undef, $me);
    my @lost = grep { !has_local($_) } @$rows;
    return 0 unless @lost;
    my $db = dbh_write();
    $db->do('DELETE FROM file_copies WHERE node = ? AND sha1 = ?', undef, $me, $_) for @lost;
    note(event => 'lost', count => scalar @lost, why => 'blobs missing from this node\'s disk');
    # those blobs are under N now: every other keeper passes at once instead of at its next turn (this node's own
    # pass, when it is the keeper's, comes right after this)
    peer_wake($_) for grep { $_->{id} ne $me } nodes();
    return scalar @lost;
}

# live_copies(@live) → {sha1 → [live holders]} for every blob (a blob with no live copy maps to [])
sub live_copies {
    my (@live) = @_;
    my %live = map { $_ => 1 } @live;
    my %copies;
    my $rows = dbh_read()->selectall_arrayref('SELECT b.sha1, c.node FROM blobs b LEFT JOIN file_copies c ON c.sha1 = b.sha1 ORDER BY b.sha1, c.node');
    for (@$rows) { $copies{ $_->[0] } //= []; push @{ $copies{ $_->[0] } }, $_->[1] if defined $_->[1] && $live{ $_->[1] } }
    return %copies;
}

# blobs with fewer than N copies on live nodes: {sha1 → [live holders]}
sub under_replicated { my %c = live_copies(@_); return map { ($_ => $c{$_}) } grep { @{ $c{$_} } < cfg('copies') } keys %c }

# trim($sha1, \@holders) → copies dropped: down to N, each time a copy whose rack keeps another (so the racks
# stay spread), else the last holder. The row goes first, so no reader is sent to a copy being deleted; a
# delete that fails puts the row back (the copy is still there, and the next pass tries again).
sub trim {
    my ($sha1, $holders) = @_;
    my @keep = @$holders;
    my $dropped = 0;
    my $rack = sub { (node_of($_[0]) // {})->{rack} // '' };
    my $db = dbh_write();
    while (@keep > cfg('copies')) {
        my %n;
        $n{ $rack->($_) }++ for @keep;
        my ($drop) = ((grep { $n{ $rack->($_) } > 1 } reverse @keep), $keep[-1]);
        $db->do('DELETE FROM file_copies WHERE sha1 = ? AND node = ?', undef, $sha1, $drop);
        my $gone = $drop eq cfg('server') ? eval { remove_local($sha1); 1 } : peer_delete(node_of($drop), $sha1);
        if (!$gone) { $db->do('INSERT IGNORE INTO file_copies (sha1, node) VALUES (?, ?)', undef, $sha1, $drop); last }
        @keep = grep { $_ ne $drop } @keep;
        $dropped++;
    }
    return $dropped;
}

sub replicate {
    my $db = dbh_write();
    my ($got) = $db->selectrow_array(q{SELECT GET_LOCK('racklab-file-replicator', 0)});
    return { skipped => 'another node is replicating' } unless $got;
    my ($fixed, $failed, $trimmed) = (0, 0, 0);
    my $ok = eval {
        my @live = live_nodes(1);
        # one reading serves both passes: a blob copied up to N here was never over N
        my %copies = live_copies(@live);
        for my $sha1 (grep { @{ $copies{$_} } < cfg('copies') } sort keys %copies) {
            my $have = $copies{$sha1};
            my ($file, $tmp, $sums);
            if (has_local($sha1) && verify_local($sha1)) { $file = blob_path($sha1) }
            else {
                for my $id (grep { $_ ne cfg('server') } @$have) { my $g = peer_get(node_of($id), $sha1, 0) or next; ($file, $tmp, $sums) = ($g->{tmp}, 1, $g->{sums}); last }
            }
            if (!$file) { $failed++; next }
            my $src = $file;
            if (!$tmp) { $src = "$file.repl.$$"; link($file, $src) or do { $failed++; next }; $tmp = 1 }
            my ($new) = place_copies($sha1, $src, $have, cfg('copies'), undef, undef, $sums);
            unlink $src;
            $db->do('INSERT IGNORE INTO file_copies (sha1, node) VALUES (?, ?)', undef, $sha1, $_) for @$new;
            if (@$have + @$new >= cfg('copies')) { $fixed++ } else { $failed++ }
        }
        $trimmed += trim($_, $copies{$_}) for grep { @{ $copies{$_} } > cfg('copies') } sort keys %copies;
        1;
    };
    my $err = $@;
    $db->selectrow_array(q{SELECT RELEASE_LOCK('racklab-file-replicator')});
    die $err unless $ok;
    note(event => 'replicated', fixed => $fixed, failed => $failed, trimmed => $trimmed) if $fixed || $failed || $trimmed;
    return { fixed => $fixed, failed => $failed, trimmed => $trimmed };
}

sub scrub {
    my $t0 = time;
    my ($checked, $bad, $repaired) = (0, 0, 0);
    for my $sha1 (list_local()) {
        my $ok = verify_local($sha1);
        # gone since the listing: a trim of an extra copy or a garbage collection took it (its read found no
        # file), which is not a bad copy; counted as one, it was "unrepairable" (no holder left) and an alert
        next unless $ok || has_local($sha1);
        $checked++;
        next if $ok;
        $bad++;
        note(event => 'bad-copy', sha1 => $sha1, how => 'scrub');
        $repaired++ if repair_local($sha1, 'scrub');
    }
    my $r = { finishedAt => int(time), seconds => sprintf('%.2f', time - $t0) + 0, checked => $checked, bad => $bad, repaired => $repaired };
    _write_state('scrub.json', $r);
    return $r;
}

# status(): this node's view for the probes and the UI
sub status {
    my @local = list_local();
    my $bytes = Racklab::File::Blobs::usage();
    my $s = { node => cfg('server'), diskFailed => Racklab::File::Blobs::disk_failed() ? JSON::PP::true : JSON::PP::false, blobs => scalar @local, bytes => $bytes, capacity => cfg('capacity'), copies => cfg('copies'), scrub => _read_state('scrub.json'),
        ballastBytes => (-s cfg('blob_dir') . '/ballast') // 0 };   # a fill's ballast (racklab-file fill), 0 when none
    my $ok = eval {
        my @live = live_nodes();
        my %under = under_replicated(@live);
        $s->{liveNodes} = \@live;
        $s->{underReplicated} = scalar grep { @{ $under{$_} } > 0 } keys %under;
        $s->{lost} = scalar grep { @{ $under{$_} } == 0 } keys %under;
        ($s->{totalBlobs}) = dbh_read()->selectrow_array('SELECT COUNT(*) FROM blobs');
        1;
    };
    $s->{dbError} = ref $@ ? $@->{message} : "$@" unless $ok;
    return $s;
}

1;
