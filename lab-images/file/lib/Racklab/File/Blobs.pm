package Racklab::File::Blobs;
# This node's blob store: one file per SHA1 under BLOB_DIR/<first two hex>/<sha1>, on the server's data
# volume. A blob is written to a temporary file, fsynced, renamed into place and its directory fsynced, so a
# blob that exists under its name is whole and durable. Capacity is the node's disk size (FILE_CAPACITY_MB);
# a ballast file (the "fill" action) takes space like any other data.
use strict;
use warnings;
use File::Path qw(make_path);
use IO::Handle;
use Time::HiRes ();
use Racklab::File::Config qw(cfg);
use Racklab::File::Path qw(fail);
use Racklab::File::SHA1;
use Racklab::File::Syscalls qw(syscall_number);
use Racklab::File::Sums qw(sums_path read_sums write_sums);
use Exporter qw(import);
our @EXPORT_OK = qw(blob_path spool store_local verify_local has_local remove_local list_local usage sha1_of_file disk_failed);

my $SHA1 = qr/^[0-9a-f]{40}$/;
# without a number for it (no syscall.ph), no early writeback
my $SYNC_FILE_RANGE = syscall_number('sync_file_range');

sub dir { return cfg('blob_dir') }

# a failed disk (the fail-disk action) holds nothing and takes nothing until it is replaced
sub disk_failed { return -e dir() . '/.disk-failed' }

sub blob_path {
    my ($sha1) = @_;
    die "bad sha1 '$sha1'\n" unless $sha1 =~ $SHA1;
    return dir() . '/' . substr($sha1, 0, 2) . "/$sha1";
}

sub _sync_dir { my ($d) = @_; open(my $h, '<', $d) or return; $h->sync; close $h }

# spool($reader, $declared, $tee) → {tmp, sha1, size, sums}. $reader->($max) returns the next chunk, '' at the end;
# $tee, when given, gets every chunk too (Stream: the second copy on its way while this one is written).
# A body shorter than declared is an error (the client went away): nothing is kept. sums are the chunk sums
# (Sums.pm) from the same pass as the whole SHA1, for store_local: without them a blob's first read verified the
# whole copy before its first byte left (a 50 MiB RETR's first read 60-70 ms before its 150, ~1 ms after).
sub spool {
    my ($reader, $declared, $tee) = @_;
    my $tmpdir = dir() . '/tmp';
    make_path($tmpdir);
    my $tmp = sprintf '%s/%d-%d-%06d', $tmpdir, $$, time, int rand 1e6;
    open(my $fh, '>:raw', $tmp) or fail(500, "cannot write a temporary file: $!");
    my $sha = Racklab::File::SHA1->new;
    my $sums = Racklab::File::Sums->new(1);
    my $size = 0;
    my $ok = eval {
        while (1) {
            my $want = defined $declared ? $declared - $size : 1 << 20;
            last if defined $declared && $want <= 0;
            my $chunk = $reader->($want > (1 << 20) ? 1 << 20 : $want);
            last unless defined $chunk && length $chunk;
            $sha->add($chunk);
            $sums->add($chunk);
            $size += length $chunk;
            # syswrite: one system call per chunk (print would cut a 1 MiB chunk into PerlIO's 8 KiB writes)
            for (my $off = 0; $off < length $chunk;) {
                my $n = syswrite($fh, $chunk, length($chunk) - $off, $off) // fail(507, "no space to spool the upload: $!");
                $off += $n;
            }
            # start writing this chunk to the disk now (not waiting for it): the fsync that makes the copy durable
            # then finds most of the file written already, instead of all of it after the last byte has arrived
            syscall($SYNC_FILE_RANGE, fileno($fh), $size - length $chunk, length $chunk, 2) if $SYNC_FILE_RANGE;   # SYNC_FILE_RANGE_WRITE
            $tee->($chunk) if $tee;
        }
        fail(400, "body ended after $size of $declared bytes") if defined $declared && $size < $declared;
        1;
    };
    my $err = $@;
    close $fh;
    if (!$ok) { unlink $tmp; die $err }
    return { tmp => $tmp, sha1 => $sha->hexdigest, size => $size, sums => $sums->sums };
}

# sha1_of_file($file, $sums) → hex SHA1; $sums (a Sums builder), when given, hashes each 1 MiB chunk in the same pass
sub sha1_of_file {
    my ($file, $sums) = @_;
    open(my $fh, '<:raw', $file) or return undef;
    my $sha = Racklab::File::SHA1->new;
    # 1 MiB reads: a third faster than addfile's small ones
    while (1) {
        my $n = sysread($fh, my $chunk, 1 << 20);
        return undef unless defined $n;
        last unless $n;
        $sha->add($chunk);
        $sums->add($chunk) if $sums;
    }
    return $sha->hexdigest;
}

# store_local($sha1, $tmp, $sums) moves a verified temporary file into place, durably. Refuses when the node has
# no room (507). The temporary file is gone afterwards either way. $sums, when given, are its chunk sums from the
# pass that gave its SHA1 (spool), kept beside it so its first read streams (Sums.pm).
sub store_local {
    my ($sha1, $tmp, $sums) = @_;
    if (disk_failed()) { unlink $tmp; fail(507, cfg('server') . "'s disk has failed") }
    my $dest = blob_path($sha1);
    # kept as it is, but young again: an old copy no row claimed yet is the collector's until its row lands (Collect.pm)
    if (-e $dest && verify_local($sha1)) { unlink $tmp; utime(undef, undef, $dest); return 1 }
    my $size = -s $tmp;
    if (usage() + $size > cfg('capacity')) { unlink $tmp; fail(507, cfg('server') . ' is full') }
    open(my $fh, '+<:raw', $tmp) or do { unlink $tmp; fail(500, "cannot reopen $tmp: $!") };
    $fh->sync or do { unlink $tmp; fail(507, "fsync failed: $!") };
    close $fh;
    my $d = dir() . '/' . substr($sha1, 0, 2);
    make_path($d);
    rename($tmp, $dest) or do { unlink $tmp; fail(500, "cannot rename into $dest: $!") };
    _sync_dir($d);
    write_sums($dest, $sha1, $size, $sums) if defined $sums;
    return 1;
}

sub has_local { my ($sha1) = @_; return !disk_failed() && -f blob_path($sha1) }

# verify_local($sha1) → whether the whole copy has its SHA1. A good copy without (valid) chunk sums gets them
# from the same pass (Sums.pm): the next read streams, checking chunk by chunk.
sub verify_local {
    my ($sha1) = @_;
    my $p = blob_path($sha1);
    my $size = -s $p;
    my $build = defined $size && !defined read_sums($p, $sha1, $size);
    my $sums = Racklab::File::Sums->new($build);
    my $got = sha1_of_file($p, $sums);
    my $ok = defined $got && $got eq $sha1;
    write_sums($p, $sha1, $size, $sums->sums) if $ok && $build;
    return $ok;
}

sub remove_local { my ($sha1) = @_; my $p = blob_path($sha1); unlink $p, sums_path($p); _sync_dir(dir() . '/' . substr($sha1, 0, 2)) }

sub list_local {
    my @out;
    return () if disk_failed();
    opendir(my $top, dir()) or return ();
    for my $sub (sort grep { /^[0-9a-f]{2}$/ } readdir $top) {
        opendir(my $dh, dir() . "/$sub") or next;
        push @out, sort grep { $_ =~ $SHA1 } readdir $dh;
    }
    return @out;
}

# bytes in use: every blob plus the ballast (apparent sizes, as a full disk would count them). Every copy stored
# asks it (each PUT on two nodes, each blob a replication pass copies), and a walk of every blob took ~25 ms per
# 1,000 blobs: a re-replication of 1,000 blobs spent most of its time here. So each process remembers what each
# blob folder held, and walks a folder again only when its mtime moved since, or when the walk came so soon after
# the folder's last change (< FRESH s) that a later change could still carry the same coarse timestamp.
use constant FRESH => 0.05;
my %folder;   # "<dir>/<xx>" → [mtime, bytes, walk started]
sub usage {
    my $total = (-s dir() . '/ballast') // 0;
    return $total if disk_failed();
    opendir(my $top, dir()) or return $total;
    for my $sub (grep { /^[0-9a-f]{2}$/ } readdir $top) {
        my $p = dir() . "/$sub";
        my $mtime = (Time::HiRes::stat($p))[9] // next;
        my $c = $folder{$p};
        if (!$c || $c->[0] != $mtime || $c->[2] <= $mtime + FRESH) {
            my $at = Time::HiRes::time();
            opendir(my $dh, $p) or next;
            my $bytes = 0;
            $bytes += (-s "$p/$_") // 0 for grep { $_ =~ $SHA1 } readdir $dh;
            $c = $folder{$p} = [ $mtime, $bytes, $at ];
        }
        $total += $c->[1];
    }
    return $total;
}

1;
