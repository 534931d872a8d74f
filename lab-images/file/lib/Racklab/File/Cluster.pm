package Racklab::File::Cluster;
# Talking to the other file nodes: the node-to-node blob API (/_node/blob/<sha1>) over HTTP on the int
# network, authenticated by the lab's node key. A copy fetched from a peer is verified before it is used.
use strict;
use warnings;
use HTTP::Tiny;
use Racklab::File::Config qw(cfg nodes);
use Racklab::File::Blobs qw(spool);
use Racklab::File::Sums;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use IO::Select;
use Exporter qw(import);
our @EXPORT_OK = qw(node_of node_socket peer_put peer_get peer_delete peer_stat peer_sums peer_raw peer_wake);

sub node_of { my ($id) = @_; my ($n) = grep { $_->{id} eq $id } nodes(); return $n }

sub _http { return HTTP::Tiny->new(timeout => 15, keep_alive => 0) }

sub _url { my ($node, $path) = @_; return "http://$node->{ip}/_node/$path" }

sub _headers { return { 'X-Racklab-Node-Key' => cfg('node_key'), 'X-Racklab-From' => cfg('server'), @_ } }

# peer_put($node, $sha1, $file) → (1) or (0, why): the peer answers 201 only once its copy is verified and fsynced
sub peer_put {
    my ($node, $sha1, $file) = @_;
    open(my $fh, '<:raw', $file) or return (0, "cannot read $file: $!");
    my $size = -s $file;
    my $r = _http()->request('PUT', _url($node, "blob/$sha1"), {
        headers => _headers('Content-Length' => $size, 'Content-Type' => 'application/octet-stream'),
        content => sub { my $n = read($fh, my $buf, 1 << 20); return $n ? $buf : undef },
    });
    return $r->{status} == 201 || $r->{status} == 200 ? (1) : (0, "$node->{id}: $r->{status} " . ($r->{content} // $r->{reason}) =~ s/\s+$//r);
}

# peer_get($node, $sha1, $norepair) → {tmp, sha1, size, sums} holding a verified copy, or undef
sub peer_get {
    my ($node, $sha1, $norepair) = @_;
    my @chunks;
    my $status;
    my $got = eval {
        my $buf = '';
        my $r = _http()->request('GET', _url($node, "blob/$sha1" . ($norepair ? '?norepair=1' : '')), {
            headers => _headers(),
            data_callback => sub { $buf .= $_[0]; if (length $buf > (1 << 20)) { push @chunks, $buf; $buf = '' } },
        });
        $status = $r->{status};
        return undef unless $status == 200;
        push @chunks, $buf;
        spool(sub { return shift(@chunks) // '' }, undef);
    };
    return undef unless $got;
    if ($got->{sha1} ne $sha1) { unlink $got->{tmp}; return undef }
    return $got;
}

# peer_sums($node, $sha1, $size) → the raw chunk sums of that node's copy (checked: whole, undamaged, of this blob),
# or undef
sub peer_sums {
    my ($node, $sha1, $size) = @_;
    my $r = HTTP::Tiny->new(timeout => 3, keep_alive => 0)->request('GET', _url($node, "sums/$sha1?size=$size"), { headers => _headers() });
    return undef unless $r->{status} == 200;
    return Racklab::File::Sums::parse_sums($r->{content}, $sha1, $size);
}

# node_socket($node) → a raw TCP connection to that node's HTTP port, or undef. No Nagle: what is written here is a
# request or a stream whose small last write (a trailer) must not wait for the peer's delayed ACK.
sub node_socket {
    my ($node) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => $node->{ip}, PeerPort => 80, Proto => 'tcp', Timeout => 3) or return undef;
    binmode $s;
    setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
    return $s;
}

# peer_raw($node, $sha1, $from, $len) → a socket from which that node's copy, as it is on its disk, reads from byte
# $from ($len bytes follow), or undef. Nothing is checked here: the reader checks every chunk.
sub peer_raw {
    my ($node, $sha1, $from, $len) = @_;
    my $s = node_socket($node) or return undef;
    my $req = "GET /_node/raw/$sha1?from=$from HTTP/1.0\r\nHost: $node->{ip}\r\nX-Racklab-Node-Key: " . cfg('node_key') . "\r\nX-Racklab-From: " . cfg('server') . "\r\n\r\n";
    return undef unless defined syswrite($s, $req);
    my $head = '';
    while ($head !~ /\r\n\r\n/) {
        return undef unless IO::Select->new($s)->can_read(15);
        my $n = sysread($s, $head, 4096, length $head);
        return undef unless $n;
        return undef if length $head > 65536;
    }
    my ($top, $rest) = split /\r\n\r\n/, $head, 2;
    return undef unless $top =~ m{^HTTP/1\.\d 200 } && $top =~ /^Content-Length:\s*(\d+)\s*$/mi && $1 == $len;
    # the first body bytes came with the head: handed over with the socket
    return { sock => $s, buf => $rest // '' };
}

sub peer_delete { my ($node, $sha1) = @_; my $r = _http()->request('DELETE', _url($node, "blob/$sha1"), { headers => _headers() }); return $r->{status} == 204 }

# peer_wake($node) asks that node's keeper for a pass now (Wake.pm); true when it said yes. Never waits long: a
# node that does not answer is not one the pass would copy to anyway
sub peer_wake {
    my ($node) = @_;
    return HTTP::Tiny->new(timeout => 2)->request('POST', _url($node, 'wake'), { headers => _headers() })->{status} == 204;
}

# peer_stat($node, $timeout) → decoded JSON of /_node/stat, or undef when the node does not answer in time
sub peer_stat {
    my ($node, $timeout) = @_;
    my $r = HTTP::Tiny->new(timeout => $timeout // 3)->request('GET', _url($node, 'stat'), { headers => _headers() });
    return undef unless $r->{status} == 200;
    require JSON::PP;
    return eval { JSON::PP::decode_json($r->{content}) };
}

1;
