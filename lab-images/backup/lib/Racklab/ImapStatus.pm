package Racklab::ImapStatus;
# The STATUS (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ) of every user's every mailbox on a Cyrus node,
# asked by backup1 itself over the lab network: an unchanged store's night is then one docker exec (on
# backup1) instead of two (the Cyrus node's manifest, then backup1's snapshot). One IMAP session per user,
# as the admin acting for the user (AUTHENTICATE PLAIN with an authzid: Cyrus's admin may list a user's
# mailboxes but not read their STATUS), plus one as the admin for the list of users. Each session is the
# login (AUTHENTICATE with an initial response), then LIST-STATUS (RFC 5819) and LOGOUT written together, and
# all sessions run at once, so a node costs about two round trips whatever its users.
# Mail::IMAPClient is not used: it waits for each reply, and its load alone is a good part of the budget.
use strict;
use warnings;
use Exporter qw(import);
use IO::Select;
use IO::Socket::INET;
use MIME::Base64 qw(encode_base64);
use Time::HiRes qw(time);
our @EXPORT_OK = qw(store_status);

my $ITEMS = 'MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ';

# an IMAP string (quoted or atom) at the start of $s → (value, rest); a literal ({N}) is not read: undef
sub astring {
    my ($s) = @_;
    return ($1 =~ s/\\(["\\])/$1/gr, $2) if $s =~ /^"((?:[^"\\]|\\.)*)"\s*(.*)$/s;
    return ($1, $2) if $s =~ /^([^\s"{()]+)\s*(.*)$/s;
    return;
}

# the script of one session: log in (as $user, or as the admin itself), then one command and log out. Two parts:
# Cyrus 3.6 misreads what is pipelined behind an AUTHENTICATE ("A BAD Already authenticated", the next command
# cut short), so the second part is written only once the login's reply came.
sub script {
    my ($user, $password, $command) = @_;
    my $plain = encode_base64(join("\0", $user // '', 'cyrus', $password), '');
    return ["A AUTHENTICATE PLAIN $plain\r\n", "B $command\r\nC LOGOUT\r\n"];
}

# replies of every session, read together until each has ended (the server closes after LOGOUT) or the deadline
# (every node's at once: keys are "HOST\tWHO")
sub run_sessions {
    my ($scripts, $timeout) = @_;
    my (%buf, %sock, %rest);
    my $sel = IO::Select->new;
    for my $k (sort keys %$scripts) {
        my ($host) = split /\t/, $k;
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => 143, Proto => 'tcp', Timeout => 1)
          or die "cannot reach IMAP on $host: " . ($@ || $!) . "\n";
        binmode $s;
        # a few hundred bytes: the socket's buffer takes them whole, the server reads them after its greeting
        my ($login, $rest) = @{ $scripts->{$k} };
        print {$s} $login or die "writing to $host: $!\n";
        $sock{ fileno $s } = [$k, $s];
        ($buf{$k}, $rest{$k}) = ('', $rest);
        $sel->add($s);
    }
    my $end = time + $timeout;
    while ($sel->count) {
        my $left = $end - time;
        die 'IMAP on ' . join(', ', sort keys %{ { map { (split /\t/, $_->[0])[0] => 1 } values %sock } }) . " did not answer within ${timeout} s\n" if $left <= 0;
        for my $s ($sel->can_read($left)) {
            my ($k) = @{ $sock{ fileno $s } };
            my $n = sysread($s, $buf{$k}, 65536, length $buf{$k});
            if (!$n) { $sel->remove($s); close $s; next }
            # the login answered: the rest goes (a refused login is logged out too, and its reply says why)
            if (defined $rest{$k} && $buf{$k} =~ /^A (?:OK|NO|BAD)/m) { print {$s} delete $rest{$k} or die "writing to $k: $!\n" }
        }
    }
    return \%buf;
}

# the tagged reply of $tag in a session's replies → its status (OK, NO, BAD) and text
sub tagged { my ($text, $tag) = @_; return $text =~ /^\Q$tag\E (OK|NO|BAD) ?([^\r\n]*)/m ? ($1, $2) : ('', 'no reply') }

# store_status([hosts], password, [users]) → {host => {users => [names on it], status => {user => {mailbox => {…}}}}}:
# every node asked at once. Dies with the reason when a node could not be read whole (the caller then takes
# the long way).
sub store_status {
    my ($hosts, $password, $users, %o) = @_;
    my %scripts;
    for my $h (@$hosts) {
        $scripts{"$h\t"} = script(undef, $password, 'LIST "" "user.%"');
        $scripts{"$h\t$_"} = script($_, $password, qq{LIST "" "*" RETURN (STATUS ($ITEMS))}) for @$users;
    }
    my $replies = run_sessions(\%scripts, $o{timeout} // 10);
    my %out = map { $_ => { users => [], status => {} } } @$hosts;
    for my $key (sort keys %$replies) {
        my ($host, $k) = split /\t/, $key, 2;
        my $who = length $k ? $k : 'the admin';
        my $text = $replies->{$key};
        my ($auth, $why) = tagged($text, 'A');
        die "$host refused the login for $who: $auth $why\n" unless $auth eq 'OK';
        my ($st, $err) = tagged($text, 'B');
        die "$host: LIST for $who: $st $err\n" unless $st eq 'OK';
        if (!length $k) {
            for my $line (split /\r\n/, $text) {
                next unless $line =~ /^\* LIST \([^)]*\) \S+ (.*)$/;
                my ($name) = astring($1);
                die "$host: a mailbox name the admin's LIST gave as a literal\n" unless defined $name;
                push @{ $out{$host}{users} }, $1 if $name =~ /^user\.([^.]+)$/;
            }
            @{ $out{$host}{users} } = sort @{ $out{$host}{users} };
            next;
        }
        my %boxes;
        for my $line (split /\r\n/, $text) {
            if ($line =~ /^\* LIST \([^)]*\) \S+ (.*)$/) {
                my ($name) = astring($1);
                die "$host: a mailbox of $k listed as a literal\n" unless defined $name;
                $boxes{$name} //= undef;
            }
            elsif ($line =~ /^\* STATUS (.*)$/) {
                my ($name, $rest) = astring($1);
                die "$host: a STATUS of $k named by a literal\n" unless defined $name && $rest =~ /^\(([^)]*)\)/;
                my %kv = map { lc } split ' ', $1;
                $boxes{$name} = { map { $_ => ($kv{$_} // -1) + 0 } qw(uidvalidity uidnext messages highestmodseq) };
            }
        }
        # a listed mailbox without STATUS (\Noselect, or a right missing) cannot be compared: the long way reads it
        for (sort keys %boxes) { die "$host: no STATUS for $k\'s $_\n" unless defined $boxes{$_} }
        $out{$host}{status}{$k} = \%boxes;
    }
    return \%out;
}

1;
