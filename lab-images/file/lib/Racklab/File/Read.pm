package Racklab::File::Read;
# A file's content for a client (DAV and API GET, FTP RETR), checked as it is sent. With this node's copy and its
# chunk sums (Sums.pm), each 1 MiB chunk is hashed and compared with its sum, and only then sent: the first bytes
# leave at once, and the check of the rest overlaps the network (it used to hash the whole copy before the first
# byte: 39 ms for 50 MiB here). A chunk that does not match is never sent: the copy is repaired from another holder
# (or a good copy fetched) and the chunk read again from it. A node that holds no copy streams a holder's copy as
# it is on that disk (/_node/raw), checked against that holder's sums (/_node/sums), so its first byte does not wait
# for a whole copy either; if a chunk fails there or the stream breaks off, the rest comes from a whole copy fetched
# and verified. Without sums anywhere (a blob not read since it landed) the whole copy is verified first, as
# before, and that writes its sums.
# Each chunk is read to be hashed and the same bytes are written to the client. sendfile(2) of the checked range from
# the page cache instead was measured slower here (session 26, a 50 MiB GET from fe1 straight to file1: 83-92 ms best
# of 8 against 66-67 ms with the writes), since the chunk has to be read for its hash anyway. Hashing from a mapping
# of the page cache (File::Map) instead of a read was slower too: 63-102 ms for 50 MiB against 41-71 (its page
# faults cost more than the copy).
use strict;
use warnings;
use Racklab::File::Blobs qw(blob_path has_local);
use Racklab::File::Sums qw(CHUNK read_sums sum_of);
use Racklab::File::Store qw(open_blob holders);
use Racklab::File::Cluster qw(node_of peer_sums peer_raw);
use Racklab::File::Config qw(cfg);
use IO::Select;
use Racklab::File::SHA1;
use Racklab::File::Path qw(fail);

# Racklab::File::Read->open($sha1, $size) → a reader, or dies (503: no good copy anywhere) before any byte is sent
sub open {
    my ($class, $sha1, $size) = @_;
    my $self = bless { sha1 => $sha1, size => $size }, $class;
    my $path = blob_path($sha1);
    if (has_local($sha1)) {
        my $sums = read_sums($path, $sha1, $size);
        if (defined $sums && CORE::open(my $fh, '<:raw', $path)) {
            @$self{qw(fh sums)} = ($fh, $sums);
            return $self;
        }
    } else {
        # no copy here: a holder's copy streamed, checked against that holder's sums (the copy is opened in send(),
        # from the first chunk the read needs)
        for my $id (grep { $_ ne cfg('server') } holders($sha1)) {
            my $n = node_of($id) or next;
            my $sums = peer_sums($n, $sha1, $size) // next;
            @$self{qw(peer sums)} = ($n, $sums);
            return $self;
        }
    }
    $self->_whole;
    return $self;
}

# no sums to check by, or a stream from a holder that failed: a whole copy verified (or repaired, or fetched) first
sub _whole {
    my ($self) = @_;
    delete $self->{sums};
    delete $self->{peer};
    $self->_reopen;
}

# the open copy replaced by a verified one: open_blob notes a bad local copy, repairs it from a holder or fetches a
# good one, or dies 503
sub _reopen {
    my ($self) = @_;
    CORE::close($self->{fh}) if $self->{fh};
    unlink delete $self->{tmp} if $self->{tmp};
    my ($file, $tmp) = open_blob($self->{sha1});
    $self->{tmp} = $file if $tmp;
    CORE::open($self->{fh}, '<:raw', $file) or fail(503, "cannot read the content: $!");
}

# send($from, $len, $emit): bytes $from .. $from+$len-1 in order, through $emit->(bytes). Dies after some bytes
# only when even a repaired copy is bad; the caller's connection then ends short, as a failed transfer must.
sub send {
    my ($self, $from, $len, $emit) = @_;
    return if $len <= 0;
    local $SIG{PIPE} = 'IGNORE';   # a client that went away is an error return here, not a signal that ends the worker
    my ($first, $last) = (int($from / CHUNK), int(($from + $len - 1) / CHUNK));
    for my $i ($first .. $last) {
        my $want = $self->{size} - $i * CHUNK;
        $want = CHUNK if $want > CHUNK;
        # the part of this chunk the read wants
        my $start = $i == $first ? $from - $i * CHUNK : 0;
        my $end = $i == $last ? $from + $len - $i * CHUNK : $want;
        if ($self->{peer}) {
            my $chunk = $self->_peer_chunk($i, $want);
            if ($self->_good($chunk, $i)) {
                $emit->($start == 0 && $end == $want ? $chunk : substr($chunk, $start, $end - $start));
                next;
            }
            # the holder's stream broke off or a chunk is bad: the rest from a whole copy fetched and verified
            print STDERR "file-read: $self->{sha1} from $self->{peer}{id}: chunk $i " . (defined $chunk ? 'does not match its sum' : 'did not arrive') . "; fetching a whole copy\n";
            CORE::close(delete($self->{src})->{sock}) if $self->{src};
            $self->_whole;
        }
        my $chunk;   # the chunk as read to be checked: what is sent when sendfile is not there
        if ($self->{sums}) {
            $chunk = $self->_chunk($i, $want);
            if (!$self->_good($chunk, $i)) {
                $self->_reopen;
                $chunk = $self->_chunk($i, $want);
                fail(503, "chunk $i of $self->{sha1} is still bad after the repair") unless $self->_good($chunk, $i);
            }
        }
        # a whole chunk goes as it is (a substr of all of it is still a 1 MiB copy per chunk)
        my $part = !defined $chunk ? undef : $start == 0 && $end == length $chunk ? \$chunk : \substr($chunk, $start, $end - $start);
        $self->_out($i * CHUNK + $start, $end - $start, $emit, $part);
    }
}

# chunk $i ($want bytes) of a holder's stream, opened at chunk $i when it is not open yet; undef when it fails
sub _peer_chunk {
    my ($self, $i, $want) = @_;
    if (!$self->{src}) {
        $self->{src} = peer_raw($self->{peer}, $self->{sha1}, $i * CHUNK, $self->{size} - $i * CHUNK) or return undef;
        $self->{src}{at} = $i;
    }
    my $src = $self->{src};
    return undef unless $src->{at} == $i;
    while (length $src->{buf} < $want) {
        return undef unless IO::Select->new($src->{sock})->can_read(15);
        my $n = sysread($src->{sock}, $src->{buf}, CHUNK, length $src->{buf});
        return undef unless $n;
    }
    $src->{at}++;
    return substr($src->{buf}, 0, $want, '');
}

# bytes [$at, $at+$n) of the open copy to the client; $bytes, when given, are those bytes already read
sub _out {
    my ($self, $at, $n, $emit, $bytes) = @_;
    return $emit->($$bytes) if $bytes;
    sysseek($self->{fh}, $at, 0);
    while ($n > 0) {
        my $got = sysread($self->{fh}, my $buf, $n < CHUNK ? $n : CHUNK);
        fail(503, "the content of $self->{sha1} ends at byte $at") unless $got;
        $emit->($buf);
        ($at, $n) = ($at + $got, $n - $got);
    }
}

sub close {
    my ($self) = @_;
    CORE::close($self->{fh}) if $self->{fh};
    CORE::close(delete($self->{src})->{sock}) if $self->{src};
    unlink delete $self->{tmp} if $self->{tmp};
    delete $self->{fh};
}

sub DESTROY { $_[0]->close }

# chunk $i of the open copy ($want bytes), or undef when the copy is shorter
sub _chunk {
    my ($self, $i, $want) = @_;
    sysseek($self->{fh}, $i * CHUNK, 0) or return undef;
    my $buf = '';
    while (length $buf < $want) { my $n = sysread($self->{fh}, $buf, $want - length $buf, length $buf); return undef unless $n }
    return $buf;
}

sub _good { my ($self, $chunk, $i) = @_; return defined $chunk && Racklab::File::SHA1->new->add($chunk)->digest eq sum_of($self->{sums}, $i) }

1;
