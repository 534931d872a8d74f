package Racklab::MessageId;
# Message-IDs the lab signs on the way out, so a bounce can be checked against "did we ever send this?"
# (the MX's backscatter detector). Any lab component that sends mail outward (webmail, probes) makes its
# Message-ID with make(); the detector calls ours().
#
#   <rl.<base36 time>.<8 hex random>.<16 hex HMAC-SHA256>@<domain>>
#
# The key is MESSAGE_ID_KEY from the environment (the engine derives it from the lab's secrets, see
# main/engine/roles/mx.ts messageIdKey). Role images are built from their own folder only, so an image
# that needs this module carries a copy of this file (lab-images/mx/lib/Racklab/MessageId.pm); keep the
# copies identical (tests/integration/mail-images.test.ts checks it).
use strict;
use warnings;
use Digest::SHA qw(hmac_sha256_hex);
use Exporter qw(import);
our @EXPORT_OK = qw(make_message_id is_our_message_id);

sub _key {
    my $k = $ENV{MESSAGE_ID_KEY} // '';
    die "MESSAGE_ID_KEY is not set\n" unless length $k;
    return $k;
}

sub _b36 {
    my ($n) = @_;
    my $s = '';
    do { $s = (0 .. 9, 'a' .. 'z')[ $n % 36 ] . $s; $n = int($n / 36) } while $n > 0;
    return $s;
}

# make_message_id(domain) → "<rl.…@domain>"
sub make_message_id {
    my ($domain) = @_;
    die "make_message_id: bad domain\n" unless defined $domain && $domain =~ /^[a-z0-9.-]+$/i;
    my $rand = sprintf '%08x', int(rand(0xffffffff));
    my $local = 'rl.' . _b36(time) . ".$rand";
    return "<$local." . substr(hmac_sha256_hex("$local\@" . lc $domain, _key()), 0, 16) . "\@$domain>";
}

# is_our_message_id("<…>") → true when the id has our form and a valid signature
sub is_our_message_id {
    my ($id) = @_;
    return 0 unless defined $id;
    my ($local, $sig, $domain) = $id =~ /^<?(rl\.[0-9a-z]{1,13}\.[0-9a-f]{8})\.([0-9a-f]{16})\@([a-z0-9.-]+)>?$/i or return 0;
    return lc $sig eq substr(hmac_sha256_hex("$local\@" . lc $domain, _key()), 0, 16) ? 1 : 0;
}

1;
