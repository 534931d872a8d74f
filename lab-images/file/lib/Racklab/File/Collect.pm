package Racklab::File::Collect;
# Garbage collection. A DELETE, or a PUT over an existing file, drops the last reference to a blob; without
# this, the blob row, its copy rows and every copy on disk stayed forever (and the scrub kept re-reading them).
#
# collect() runs on one node at a time, under the replicator's MySQL lock (so no copy is being made of a blob
# while it goes):
#  1. blobs no file references, older than the grace period (GC_GRACE_S, wall seconds: a PUT records its blob
#     before the file row that names it, so a young unreferenced blob may be an upload finishing). Each goes in
#     its own transaction that locks the blob row and re-reads the references with a locking read: a PUT or a
#     COPY that names the blob meanwhile either committed first (the blob is kept) or waits, finds the blob gone
#     and answers 503 (Meta::hold_blob). Then its copies are deleted, here or on their holders.
#  2. this node's disk: a blob file with no copy row for this node (a holder that was down while its blob was
#     collected, an upload that died between its fsync and its row) and older than the grace period, and
#     temporary files left by a process that died. Read from the primary only: a lagging replica would show
#     young rows missing, and a stopped one would show every newer blob as unclaimed.
use strict;
use warnings;
use File::Find ();
use Racklab::File::Config qw(cfg);
use Racklab::File::DB qw(dbh_write txn);
use Racklab::File::Blobs qw(list_local remove_local blob_path disk_failed);
use Racklab::File::Cluster qw(node_of peer_delete);
use Racklab::File::Store qw(note);
use Exporter qw(import);
our @EXPORT_OK = qw(collect);

sub grace { return $ENV{GC_GRACE_S} // 600 }

# one unreferenced blob → (1, its holders) once its rows are gone; (0) when it is referenced again or already gone
sub _drop_rows {
    my ($sha1) = @_;
    return txn(sub {
        my ($db) = @_;
        my ($row) = $db->selectrow_array('SELECT sha1 FROM blobs WHERE sha1 = ? FOR UPDATE', undef, $sha1);
        my ($used) = $row ? $db->selectrow_array('SELECT 1 FROM files WHERE sha1 = ? LIMIT 1 LOCK IN SHARE MODE', undef, $sha1) : (1);
        if (!$used) {
            my @holders = @{ $db->selectcol_arrayref('SELECT node FROM file_copies WHERE sha1 = ? ORDER BY node', undef, $sha1) };
            $db->do('DELETE FROM file_copies WHERE sha1 = ?', undef, $sha1);
            $db->do('DELETE FROM blobs WHERE sha1 = ?', undef, $sha1);
            return (1, @holders);
        }
        return (0);
    });
}

# the unreferenced blobs (rows and copies): {blobs, copies, left} — left: copies a holder did not take back
# (it is down: its own sweep removes them later)
sub _unreferenced {
    my $db = dbh_write();
    my $gone = $db->selectcol_arrayref(
        'SELECT b.sha1 FROM blobs b LEFT JOIN files f ON f.sha1 = b.sha1 WHERE f.id IS NULL AND b.created < NOW() - INTERVAL ? SECOND ORDER BY b.sha1 LIMIT 1000',
        undef, grace());
    my ($blobs, $copies, $left) = (0, 0, 0);
    for my $sha1 (@$gone) {
        my ($dropped, @holders) = _drop_rows($sha1);
        next unless $dropped;
        $blobs++;
        for my $id (@holders) {
            my $done = $id eq cfg('server') ? eval { remove_local($sha1); 1 } : eval { my $n = node_of($id); $n && peer_delete($n, $sha1) };
            $done ? $copies++ : $left++;
        }
    }
    return ($blobs, $copies, $left);
}

# this node's disk: blob files nobody claims, and dead temporary files, older than the grace period
sub _sweep_disk {
    return (0, 0) if disk_failed();
    my $me = cfg('server');
    my %mine = map { $_ => 1 } @{ dbh_write()->selectcol_arrayref('SELECT sha1 FROM file_copies WHERE node = ?', undef, $me) };
    my $old = time - grace();
    my ($blobs, $temps) = (0, 0);
    for my $sha1 (list_local()) {
        next if $mine{$sha1};
        my $m = (stat blob_path($sha1))[9];
        next unless defined $m && $m < $old;
        remove_local($sha1);
        $blobs++;
    }
    # spool files (BLOB_DIR/tmp), replication links (<sha1>.repl.<pid>) and half-written chunk sums
    # (<sha1>.sums.<pid>) of processes that died, and chunk sums whose blob is gone
    my $dir = cfg('blob_dir');
    File::Find::find({ no_chdir => 1, wanted => sub {
        return unless -f $_ && ($File::Find::dir eq "$dir/tmp" || /\.(?:repl|sums)\.\d+$/ || (/^(.*)\.sums$/ && !-e $1));
        my $m = (stat $_)[9];
        $temps += unlink($_) if defined $m && $m < $old;
    } }, $dir) if -d $dir;
    return ($blobs, $temps);
}

sub collect {
    my $db = dbh_write();
    my ($got) = $db->selectrow_array(q{SELECT GET_LOCK('racklab-file-replicator', 0)});
    return { skipped => 'another node is replicating' } unless $got;
    my ($blobs, $copies, $left, $strays, $temps) = (0, 0, 0, 0, 0);
    my $ok = eval {
        ($blobs, $copies, $left) = _unreferenced();
        ($strays, $temps) = _sweep_disk();
        1;
    };
    my $err = $@;
    $db->selectrow_array(q{SELECT RELEASE_LOCK('racklab-file-replicator')});
    die $err unless $ok;
    note(event => 'collected', blobs => $blobs, copies => $copies, left => $left, strays => $strays, temps => $temps) if $blobs || $left || $strays || $temps;
    return { blobs => $blobs, copies => $copies, left => $left, strays => $strays, temps => $temps };
}

1;
