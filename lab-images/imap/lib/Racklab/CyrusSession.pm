package Racklab::CyrusSession;
# IMAP sessions to a Cyrus node as the admin `cyrus`, either as itself or acting as a user
# (AUTHENTICATE PLAIN with an authzid; imapd.conf lists cyrus in proxyservers). Reading a user's
# mailboxes this way needs no ACL change, so a check never alters what it checks.
use strict;
use warnings;
use Mail::IMAPClient;
use Exporter qw(import);
use Time::Local qw(timegm);
our @EXPORT_OK = qw(admin_password connect_as internaldate_epoch mailbox_guids);

sub admin_password {
    my $pw = $ENV{CYRUS_PASSWORD} // '';
    die "CYRUS_PASSWORD is not set in this container\n" unless length $pw;
    return $pw;
}

# connect_as(host, user|undef) → Mail::IMAPClient, logged in; dies with a message naming the host
sub connect_as {
    my ($host, $user, %o) = @_;
    # Mail::IMAPClient's PLAIN sends User as the authzid and Proxy as the authcid (whose password it is)
    my %auth = defined $user
      ? (User => $user, Proxy => 'cyrus', Password => admin_password(), Authmechanism => 'PLAIN')
      : (User => 'cyrus', Password => admin_password(), Authmechanism => 'PLAIN');
    my $imap = Mail::IMAPClient->new(
        Server => $host, Port => $o{port} // 143, Timeout => $o{timeout} // 10, Uid => 1, Peek => 1, %auth,
    ) or die "IMAP to $host" . (defined $user ? " as $user" : '') . " failed: " . ($@ || 'unknown error') . "\n";
    return $imap;
}

my %MON = (Jan => 0, Feb => 1, Mar => 2, Apr => 3, May => 4, Jun => 5, Jul => 6, Aug => 7, Sep => 8, Oct => 9, Nov => 10, Dec => 11);

# an IMAP INTERNALDATE (" 3-Dec-2026 19:13:31 +0000", quoted or not) → epoch seconds; undef when it is not one
sub internaldate_epoch {
    my ($d) = @_;
    my ($dd, $mon, $y, $H, $M, $S, $sign, $zh, $zm) = ($d // '') =~ /^"? ?(\d{1,2})-([A-Z][a-z]{2})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"?$/ or return undef;
    return undef unless exists $MON{$mon};
    my $t = eval { timegm($S, $M, $H, $dd, $MON{$mon}, $y) } // return undef;
    return $t - ($sign eq '-' ? -1 : 1) * ($zh * 3600 + $zm * 60);
}

# mailbox_guids(imap, mailbox) → [{uid, guid, internaldate}] using Cyrus's DIGEST.SHA1 fetch item:
# the GUID is the SHA1 of the message file, identical on master and replica whatever the UIDs are.
sub mailbox_guids {
    my ($imap, $mbox) = @_;
    $imap->examine($mbox) or die "EXAMINE $mbox failed: " . $imap->LastError . "\n";
    my @out;
    return \@out unless $imap->message_count($mbox);
    my $h = $imap->fetch_hash('1:*', 'DIGEST.SHA1', 'INTERNALDATE')
      or die "FETCH in $mbox failed: " . $imap->LastError . "\n";
    for my $uid (sort { $a <=> $b } keys %$h) {
        my $guid = $h->{$uid}{'DIGEST.SHA1'} // '';
        $guid =~ s/"//g;
        push @out, { uid => $uid + 0, guid => lc $guid, internaldate => $h->{$uid}{INTERNALDATE} // '' };
    }
    return \@out;
}

1;
