package Racklab::File::Sums;
# Chunk sums: the SHA1 of every 1 MiB chunk of a blob, kept beside it as <blob>.sums. A read checks each chunk
# against its sum just before sending it (Read.pm), so the first bytes leave while the rest is still unread, and a
# damaged chunk is caught before any of it is sent. Sums are only ever written from content whose whole SHA1 was
# taken in the same pass (Blobs::verify_local, or Blobs::spool as the copy arrives, for store_local), and the
# file carries its own SHA1: a damaged or torn sums file is not used (the read then verifies the whole blob
# first, as without sums, and the sums are written again).
# Derived data: written without fsync, lost with the disk, removed with the blob.
use strict;
use warnings;
use Racklab::File::SHA1;
use Exporter qw(import);
our @EXPORT_OK = qw(CHUNK sums_path read_sums sums_file parse_sums write_sums chunk_count sum_of);

use constant CHUNK => 1 << 20;
my $MAGIC = 'racklab-sums-1';
my $LEN = 20;   # a raw SHA1

sub sums_path { return "$_[0].sums" }

sub chunk_count { my ($size) = @_; return int(($size + CHUNK - 1) / CHUNK) }

sub _head { my ($sha1, $size) = @_; return "$MAGIC $sha1 $size " . CHUNK . "\n" }

# new($want): a builder; add(data…) in file order, then sums() → the raw sums, or undef when not $want
sub new { my ($class, $want) = @_; return bless { want => $want, fill => 0, ctx => undef, sums => '' }, $class }

sub add {
    my ($self, $data) = @_;
    return unless $self->{want};
    my ($off, $len) = (0, length $data);
    while ($off < $len) {
        my $take = CHUNK - $self->{fill};
        $take = $len - $off if $len - $off < $take;
        $self->{ctx} //= Racklab::File::SHA1->new;
        # whole aligned chunks (every read of a blob is one) are hashed without a copy
        $self->{ctx}->add($off == 0 && $take == $len ? $data : substr($data, $off, $take));
        $self->{fill} += $take;
        $off += $take;
        if ($self->{fill} == CHUNK) { $self->{sums} .= delete($self->{ctx})->digest; $self->{fill} = 0 }
    }
}

sub sums {
    my ($self) = @_;
    return undef unless $self->{want};
    $self->{sums} .= delete($self->{ctx})->digest if $self->{fill};
    $self->{fill} = 0;
    return $self->{sums};
}

# write_sums($blob_path, $sha1, $size, $sums): in place by rename, so a reader sees the old file or the whole new one
sub write_sums {
    my ($path, $sha1, $size, $sums) = @_;
    return 0 unless length($sums) == chunk_count($size) * $LEN;
    my $body = _head($sha1, $size) . $sums;
    my $tmp = sums_path($path) . ".$$";
    open(my $fh, '>:raw', $tmp) or return 0;
    print {$fh} $body, Racklab::File::SHA1->new->add($body)->digest;
    close $fh or do { unlink $tmp; return 0 };
    rename($tmp, sums_path($path)) or do { unlink $tmp; return 0 };
    return 1;
}

# read_sums($blob_path, $sha1, $size) → the raw sums (20 bytes per chunk), or undef: none, torn, damaged, or for
# another size than the one the metadata says
sub read_sums {
    my ($path, $sha1, $size) = @_;
    my $all = sums_file($path) // return undef;
    return parse_sums($all, $sha1, $size);
}

# sums_file($blob_path) → the sums file's bytes as they are (what a peer is sent), or undef
sub sums_file {
    my ($path) = @_;
    open(my $fh, '<:raw', sums_path($path)) or return undef;
    local $/;
    my $all = <$fh>;
    close $fh;
    return $all;
}

# parse_sums($bytes, $sha1, $size) → the raw sums when $bytes is a whole, undamaged sums file of that blob, else undef
sub parse_sums {
    my ($all, $sha1, $size) = @_;
    my $head = _head($sha1, $size);
    my $want = length($head) + chunk_count($size) * $LEN + $LEN;
    return undef unless defined $all && length($all) == $want && substr($all, 0, length $head) eq $head;
    my $body = substr($all, 0, $want - $LEN);
    return undef unless Racklab::File::SHA1->new->add($body)->digest eq substr($all, $want - $LEN);
    return substr($body, length $head);
}

# sum_of($sums, $i) → the raw SHA1 chunk $i must have
sub sum_of { my ($sums, $i) = @_; return substr($sums, $i * $LEN, $LEN) }

1;
