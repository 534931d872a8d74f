package Racklab::LMTPClient;
# One LMTP transaction with a Cyrus lmtpd: deliver(host, from, [rcpt...], \@lines, %opts) → [reply per rcpt].
# opts: port (24), label (names the store in errors), helo, timeout, connect_timeout.
# Any failure to talk to the backend (refused, timeout, dropped) becomes a 4xx for every recipient not yet
# answered, so Postfix keeps the mail queued and retries.
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(IPPROTO_TCP TCP_NODELAY);

sub _reply {    # read one (possibly multi-line) reply; return its last line
    my ($s) = @_;
    my $last;
    while (defined(my $l = <$s>)) {
        $l =~ s/\r?\n\z//;
        $last = $l;
        last unless $l =~ /^\d{3}-/;
    }
    die "connection closed\n" unless defined $last;
    $last =~ s/^(\d{3})-/$1 /;
    return $last;
}

sub deliver {
    my ($host, $from, $rcpts, $lines, %o) = @_;
    my @out = (undef) x @$rcpts;
    my $ok = eval {
        local $SIG{ALRM} = sub { die "timed out\n" };
        alarm($o{timeout} // 120);
        my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $o{port} // 24, Timeout => $o{connect_timeout} // 5)
          or die(($@ =~ s/^IO::Socket::INET: //r || "connect: $!") . "\n");
        $s->autoflush(1);
        # each command is one write and waits for its reply: nothing to gain from Nagle, and the message's end
        # would wait for lmtpd's delayed ACK behind the body
        setsockopt($s, IPPROTO_TCP, TCP_NODELAY, 1);
        my $cmd = sub { print $s "$_[0]\r\n"; my $r = _reply($s); $r };
        my $greet = _reply($s);
        die "greeting: $greet\n" unless $greet =~ /^220/;
        my $r = $cmd->('LHLO ' . ($o{helo} // 'racklab-lmtp-proxy'));
        die "LHLO: $r\n" unless $r =~ /^250/;
        $r = $cmd->("MAIL FROM:<$from>");
        die "MAIL: $r\n" unless $r =~ /^250/;
        my @accepted;
        for my $i (0 .. $#$rcpts) {
            my $rr = $cmd->("RCPT TO:<$rcpts->[$i]>");
            if ($rr =~ /^250/) { push @accepted, $i } else { $out[$i] = $rr }
        }
        if (@accepted) {
            $r = $cmd->('DATA');
            die "DATA: $r\n" unless $r =~ /^354/;
            # the dot-stuffed message and its end in one write (a write per line cost a system call each)
            print $s join('', map({ (/^\./ ? ".$_" : $_) . "\r\n" } @$lines), ".\r\n");
            $out[$_] = _reply($s) for @accepted;    # LMTP: one reply per accepted recipient
        }
        print $s "QUIT\r\n";
        alarm 0;
        1;
    };
    alarm 0;
    unless ($ok) {
        my $why = $@ =~ s/\s+$//r;
        # only recipients with a final answer are settled; the rest (incl. accepted at RCPT but with no
        # answer after DATA) are not delivered
        $_ //= "451 4.4.1 store " . ($o{label} // $host) . " unreachable: $why" for @out;
    }
    return \@out;
}

1;
