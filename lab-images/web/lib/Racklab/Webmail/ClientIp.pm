package Racklab::Webmail::ClientIp;
# Who the client is, for a request that came through a frontend. nginx appends the address it saw
# ($proxy_add_x_forwarded_for) to whatever X-Forwarded-For the client sent, so only the LAST entry is the
# frontend's word: anything before it is what the client claims, and a client can claim any address there.
# Without the header (a request straight to the web server) the connection's peer is the client. No Apache
# modules here, so it can be checked on its own (main/engine/roles/webmail-client-ip.spec.ts).
use strict;
use warnings;
use Exporter qw(import);
our @EXPORT_OK = qw(client_ip_from);

my $IP = qr/\d{1,3}(?:\.\d{1,3}){3}/;

sub client_ip_from {
    my ($xff, $peer) = @_;
    my @hops = split /,/, $xff // '';
    my ($ip) = ($hops[-1] // '') =~ /^\s*($IP)\s*$/;
    return $ip // $peer;
}

1;
