package Racklab::File::Store;
# Content kept N ways: receive_upload spools an upload here while streaming it to the node that will hold the
# second copy, put_blob places it on N nodes in different racks (this node first when it has room) and records
# the copies only once N of them are durable; open_blob returns a verified copy, repairing this node's copy
# from a peer when its SHA1 does not match.
use strict;
use warnings;
use File::Path qw(make_path);
use JSON::PP qw(encode_json);
use Racklab::File::Config qw(cfg nodes);
use Racklab::File::DB qw(dbh_read dbh_write txn);
use Racklab::File::Blobs qw(spool store_local verify_local has_local blob_path);
use Racklab::File::Cluster qw(node_of peer_put peer_get);
use Racklab::File::Stream qw(stream_open);
use Racklab::File::Path qw(fail);
use Exporter qw(import);
our @EXPORT_OK = qw(receive_upload put_blob open_blob holders place_copies note repair_local);

sub holders {
    my ($sha1) = @_;
    return @{ dbh_read()->selectcol_arrayref('SELECT node FROM file_copies WHERE sha1 = ? ORDER BY node', undef, $sha1) };
}

# an event line in the node's journal of repairs and placements (read by the probes)
sub note {
    my (%e) = @_;
    my $d = cfg('blob_dir') . '/.state';
    make_path($d);
    open(my $fh, '>>', "$d/events.jsonl") or return;
    print {$fh} encode_json({ at => time, node => cfg('server'), %e }), "\n";
    close $fh;
    print STDERR "file-store: $e{event} " . join(' ', map { "$_=$e{$_}" } grep { $_ ne 'event' } sort keys %e) . "\n";
}

# candidates for new copies: nodes not holding it, racks not yet used first, this node first among equals
sub _targets {
    my ($have) = @_;
    my %held = map { $_ => 1 } @$have;
    my %racks = map { (node_of($_) // {})->{rack} // '' => 1 } @$have;
    my $self = cfg('server');
    my @free = grep { !$held{ $_->{id} } } nodes();
    my @order = sort {
        ($racks{ $a->{rack} } ? 1 : 0) <=> ($racks{ $b->{rack} } ? 1 : 0)
          || ($a->{id} eq $self ? 0 : 1) <=> ($b->{id} eq $self ? 0 : 1)
          || $a->{id} cmp $b->{id}
    } @free;
    return @order;
}

# receive_upload($reader, $declared) → {tmp, sha1, size, stream}: spool() the body here and, for a body of
# known length when copies ≥ 2, stream it at the same time to the node place_copies would pick for the
# second copy (the first other rack). The stream is finished (SHA1 trailer sent) but not yet confirmed:
# put_blob confirms it after this node's own fsync, so the two fsyncs overlap.
sub receive_upload {
    my ($reader, $declared) = @_;
    my ($stream, %unreachable);
    if (defined $declared && cfg('copies') >= 2) {
        my $self = node_of(cfg('server')) // {};
        my ($peer) = grep { $_->{rack} ne ($self->{rack} // '') } _targets([ cfg('server') ]);
        if ($peer) { $stream = stream_open($peer) or $unreachable{ $peer->{id} } = 1 }
    }
    my $up = eval { spool($reader, $declared, $stream ? sub { $stream->add($_[0]) } : undef) };
    if (!$up) { my $e = $@; $stream->abandon if $stream; die $e }
    $stream->finish($up->{sha1}) if $stream;
    return { %$up, stream => $stream, unreachable => \%unreachable };
}

# place_copies($sha1, $file, \@have, $want, $stream, \%unreachable, $sums) → list of nodes that now hold a durable
# copy (new ones only); $sums, the upload's chunk sums, go with this node's own copy. Each node is tried in
# order; a full or unreachable node is skipped, and a rack
# already holding a copy gets another only when no other rack can take one. The streamed node's copy is
# confirmed rather than sent again (and sent again only when the stream failed).
sub place_copies {
    my ($sha1, $file, $have, $want, $stream, $unreachable, $sums) = @_;
    my (@new, @why);
    my %used = map { (node_of($_) // {})->{rack} // '' => 1 } @$have;
    for my $pass (1, 2) {
        for my $n (_targets([ @$have, @new ])) {
            last if @$have + @new >= $want;
            next if $pass == 1 && $used{ $n->{rack} };
            my ($ok, $why);
            if (($unreachable // {})->{ $n->{id} }) {
                $why = 'unreachable';
            } elsif ($stream && $stream->node->{id} eq $n->{id} && $stream->confirm) {
                $ok = 1;
            } elsif ($n->{id} eq cfg('server')) {
                my $copy = "$file.local";
                link($file, $copy) or do { push @why, "link: $!"; next };
                $ok = eval { store_local($sha1, $copy, $sums) };
                $why = ref $@ ? $@->{message} : $@ unless $ok;
            } else {
                ($ok, $why) = peer_put($n, $sha1, $file);
            }
            if ($ok) { push @new, $n->{id}; $used{ $n->{rack} } = 1 } else { push @why, "$n->{id}: $why" }
        }
    }
    return (\@new, \@why);
}

# put_blob({tmp, sha1, size}) → sha1, once N copies are durable and recorded. The temporary file is gone.
sub put_blob {
    my ($up) = @_;
    my $want = cfg('copies');
    my ($sha1, $tmp, $stream) = @$up{qw(sha1 tmp stream)};
    my $ok = eval {
        my @have = holders($sha1);
        my @new;
        if (@have < $want) {
            my ($placed, $why) = place_copies($sha1, $tmp, \@have, $want, $stream, $up->{unreachable}, $up->{sums});
            @new = @$placed;
            if (@have + @new < $want) {
                my $full = grep { /is full/ } @$why;
                fail($full && !@new ? 507 : 503, sprintf('only %d of %d copies could be written (%s)', @have + @new, $want, join('; ', @$why)));
            }
        }
        # a streamed copy not needed after all (the content was already stored N ways) is still a durable,
        # verified copy: recorded, so it is counted and scrubbed like the others
        push @new, $stream->node->{id} if $stream && !grep({ $_ eq $stream->node->{id} } @have, @new) && $stream->confirm;
        # stored already (deduplicated): young again, so the collector leaves it for the grace period while the
        # file row that names it is written (Collect.pm)
        dbh_write()->do('UPDATE blobs SET created = NOW() WHERE sha1 = ?', undef, $sha1) unless @new;
        if (@new) {
            # one transaction: a blob row without its copies, seen between the two, is a "lost" blob to
            # storage.replicas (a false alert right after every upload, the monitor's own included)
            txn(sub {
                my ($db) = @_;
                $db->do('INSERT IGNORE INTO blobs (sha1, size) VALUES (?, ?)', undef, $sha1, $up->{size});
                $db->do('INSERT IGNORE INTO file_copies (sha1, node) VALUES (?, ?)', undef, $sha1, $_) for @new;
            });
        }
        1;
    };
    my $err = $@;
    $stream->abandon if $stream;
    unlink $tmp;
    die $err unless $ok;
    return $sha1;
}

# repair_local($sha1) replaces this node's copy with a verified one from another holder
sub repair_local {
    my ($sha1, $reason) = @_;
    for my $id (grep { $_ ne cfg('server') } holders($sha1)) {
        my $n = node_of($id) or next;
        my $got = peer_get($n, $sha1, 1) or next;
        unlink blob_path($sha1);
        if (eval { store_local($sha1, $got->{tmp}, $got->{sums}) }) {
            note(event => 'repaired', sha1 => $sha1, from => $id, reason => $reason);
            return 1;
        }
    }
    note(event => 'unrepairable', sha1 => $sha1, reason => $reason);
    return 0;
}

# open_blob($sha1, $norepair) → ($path, $is_temp): a file whose content has the right SHA1, or dies 503
sub open_blob {
    my ($sha1, $norepair) = @_;
    if (has_local($sha1)) {
        return (blob_path($sha1), 0) if verify_local($sha1);
        # a copy that failed its check and is still there is damaged; one that went meanwhile (a trim of an
        # extra copy) was not: the holders below serve it
        if (has_local($sha1)) {
            fail(409, "the copy on " . cfg('server') . " is damaged") if $norepair;
            note(event => 'bad-copy', sha1 => $sha1, how => 'read');
            return (blob_path($sha1), 0) if repair_local($sha1, 'read');
        }
    }
    fail(404, "no blob $sha1 here") if $norepair;
    for my $id (grep { $_ ne cfg('server') } holders($sha1)) {
        my $n = node_of($id) or next;
        my $got = peer_get($n, $sha1, 0) or next;
        return ($got->{tmp}, 1);
    }
    fail(503, "no node holds a good copy of the content ($sha1)");
}

1;
