package Racklab::File::Stream;
# The second copy of an upload, written while the upload is still arriving: each chunk this node spools is
# also sent on to a peer (PUT /_node/stream, chunked), and the SHA1 follows in the trailer once the body has
# ended. The peer spools and hashes as the bytes come, and only when its SHA1 equals the trailer's does it
# fsync and rename the blob into place and answer 201 (Server::node_stream). So the transfer to the peer
# overlaps the client's upload, and the peer's fsync overlaps this node's; nothing unverified ever lands.
# Any failure (peer unreachable, slow past the timeout, full, a different SHA1) just ends the stream: the
# caller places the missing copies from the spooled file afterwards, as without a stream.
use strict;
use warnings;
use IO::Select;
use Racklab::File::Config qw(cfg);
use Racklab::File::Cluster qw(node_socket);
use Exporter qw(import);
our @EXPORT_OK = qw(stream_open);

my $TIMEOUT = 15;

# stream_open($node) → a stream object, or undef when the peer cannot be reached
sub stream_open {
    my ($node) = @_;
    my $sock = node_socket($node) or return undef;
    my $self = bless { node => $node, sock => $sock, why => undef }, __PACKAGE__;
    $self->_send(join '', "PUT /_node/stream HTTP/1.1\r\n", "Host: $node->{ip}\r\n",
        'X-Racklab-Node-Key: ' . cfg('node_key') . "\r\n", 'X-Racklab-From: ' . cfg('server') . "\r\n",
        "Transfer-Encoding: chunked\r\n", "Trailer: X-Racklab-SHA1\r\n", "Connection: close\r\n\r\n");
    return $self;
}

sub node { return $_[0]{node} }
sub ok { return !defined $_[0]{why} }
sub why { return $_[0]{why} }

# add(chunk): one chunk on to the peer; a failure ends the stream (ok() false), never the upload
sub add {
    my ($self, $chunk) = @_;
    return if !$self->ok || !length $chunk;
    $self->_send(sprintf('%x', length $chunk) . "\r\n" . $chunk . "\r\n");
}

# finish(sha1): the last chunk and the trailer; the peer then verifies, fsyncs and answers (confirm())
sub finish {
    my ($self, $sha1) = @_;
    $self->_send("0\r\nX-Racklab-SHA1: $sha1\r\n\r\n") if $self->ok;
}

# confirm() → 1 when the peer holds a durable, verified copy; else 0 (why() says what went wrong)
sub confirm {
    my ($self) = @_;
    return 0 unless $self->ok;
    my $sock = $self->{sock};
    my $head = '';
    while ($head !~ /\r\n\r\n/) {
        return $self->_fail('no answer in time') unless IO::Select->new($sock)->can_read($TIMEOUT);
        my $n = sysread($sock, my $more, 65536);
        return $self->_fail('closed the connection') unless $n;
        $head .= $more;
    }
    close $sock;
    my ($status) = $head =~ m{^HTTP/1\.\d (\d{3})};
    return 1 if ($status // 0) == 201;
    my ($body) = $head =~ /\r\n\r\n(.*)$/s;
    return $self->_fail(($status // 'a bad answer') . ' ' . (($body // '') =~ s/\s+$//r));
}

# abandon(): the upload failed; the peer sees the connection close mid-body and keeps nothing
sub abandon { my ($self) = @_; close $self->{sock} if $self->{sock}; $self->{why} //= 'abandoned' }

sub _fail { my ($self, $why) = @_; $self->{why} //= "$self->{node}{id}: $why"; close $self->{sock}; return 0 }

sub _send {
    my ($self, $data) = @_;
    local $SIG{PIPE} = 'IGNORE';
    my $sock = $self->{sock};
    my $off = 0;
    while ($off < length $data) {
        return $self->_fail('too slow to take the stream') unless IO::Select->new($sock)->can_write($TIMEOUT);
        my $n = syswrite($sock, $data, length($data) - $off, $off);
        return $self->_fail("write failed: $!") unless defined $n;
        $off += $n;
    }
    return 1;
}

1;
