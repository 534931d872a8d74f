package Racklab::Prefork;
# A pool of forked workers that accept on shared listening sockets, so a new connection never waits for a
# fork. On these hosts a fork of a 20-30 MB Perl process took 75-250 ms under CPU pressure (measured in a
# file node: fork+exit+wait), and a fork-per-connection server paid that before its first byte, for every
# FTP control and data connection and every edge relay.
#
# serve(listeners => [sock…], handle => sub { my ($conn, $listener) = @_ }, spare => 2, max => 64,
#       child_init => sub {}, after_each => sub {}, child_exit => sub {}, idle_exit => 300,
#       max_spare => spare + 1, companions => [sub {}])
#
# companions: long-running loops forked from the parent beside the workers (after child_init), kept running
# (forked again a second after one exits). Forked, they share the parent's loaded modules instead of being a
# Perl of their own; each must leave when the parent is gone (getppid).
#
# The parent only forks and counts: each worker tells it on a pipe when it takes a connection and when it is
# done, and the parent keeps `spare` workers idle (never more than `max` in all). More than `max_spare` idle
# (a burst is over) and the parent asks the extra ones to leave (SIGUSR1; a worker leaves only between
# connections): every idle worker wakes for each connection and any may win it, so a node polled every few
# seconds kept each worker a burst made, each 3-6 MB of private memory, past `idle_exit`. One idle above
# `spare` is kept, so one client after another costs no fork. A worker idle for `idle_exit` seconds leaves
# too (the parent makes a new one if that drops the spare count); it also leaves after 500 connections, to
# bound what Perl leaks.
#
# A worker leaves by POSIX::_exit after child_exit (which closes what must be closed cleanly, such as database
# handles), not by exit: Perl's global destruction frees every value of a heap still shared copy-on-write with
# the parent, so the kernel copied most of it page by page just to free it (a file node's FTP worker sent away
# after a session took 37-68 ms from its signal to its end; a 100-byte FTP RETR through the edge cost the file
# nodes ~100 ms of CPU in all with exit, ~17 ms with _exit; session 26).
use strict;
use warnings;
use IO::Select;
use IO::Handle;
use POSIX qw(WNOHANG SIGUSR1 SIG_BLOCK SIG_UNBLOCK);
use Errno qw(EAGAIN EWOULDBLOCK EINTR);
use Socket qw(IPPROTO_TCP TCP_NODELAY);

my $MSG = 5;   # pack('Na'): pid and 'i' (idle) or 'b' (busy); well under PIPE_BUF, so writes never interleave

sub serve {
    my (%o) = @_;
    my @listeners = @{ $o{listeners} };
    my $spare = $o{spare} // 2;
    my $max = $o{max} // 64;
    my $max_spare = $o{max_spare} // $spare + 1;
    $_->blocking(0) for @listeners;   # every idle worker wakes on a connection; all but one get EAGAIN
    pipe(my $from_kids, my $to_parent) or die "pipe: $!\n";
    $to_parent->autoflush(1);
    $SIG{CHLD} = 'DEFAULT';
    my %kid;   # pid => 'i' | 'b'
    my @companions = @{ $o{companions} // [] };
    my %companion;   # pid => index
    my @companion_at = map { 0 } @companions;   # when each last started
    my $spawn = sub {
        my $pid = fork;
        return unless defined $pid;
        if ($pid) { $kid{$pid} = 'i'; return }
        close $from_kids;
        $SIG{TERM} = $SIG{INT} = sub { _leave(\%o, 0) };
        $o{child_init}->() if $o{child_init};
        _work(\@listeners, $to_parent, \%o);
        _leave(\%o, 0);
    };
    while (1) {
        while ((my $pid = waitpid(-1, WNOHANG)) > 0) { delete $kid{$pid}; delete $companion{$pid} }
        my %running = reverse %companion;
        for my $i (grep { !exists $running{$_} && time - $companion_at[$_] >= 1 } 0 .. $#companions) {
            $companion_at[$i] = time;
            my $pid = fork;
            next unless defined $pid;
            if ($pid) { $companion{$pid} = $i; next }
            close $from_kids;
            close $_ for @listeners;
            $SIG{TERM} = $SIG{INT} = sub { exit 0 };
            $o{child_init}->() if $o{child_init};
            $companions[$i]->();
            exit 0;
        }
        my $idle = grep { $_ eq 'i' } values %kid;
        while ($idle < $spare && keys(%kid) < $max) { $spawn->(); $idle++ }
        next unless IO::Select->new($from_kids)->can_read(1);
        my $n = sysread($from_kids, my $buf, $MSG * 64);
        next unless $n;
        # a partial message cannot happen (each is one write under PIPE_BUF), so whole records only
        for my $i (0 .. int($n / $MSG) - 1) {
            my ($pid, $st) = unpack('Na', substr($buf, $i * $MSG, $MSG));
            # 'q': asked to leave; it may still finish a connection it won meanwhile, then it goes
            $kid{$pid} = $st if exists $kid{$pid} && $kid{$pid} ne 'q';
        }
        my @idle = sort { $a <=> $b } grep { $kid{$_} eq 'i' } keys %kid;
        for my $pid (@idle[$max_spare .. $#idle]) { kill 'USR1', $pid; $kid{$pid} = 'q' }
    }
}

sub _work {
    my ($listeners, $to_parent, $o) = @_;
    my $parent = getppid;
    my $sel = IO::Select->new(@$listeners);
    my $idle_exit = $o->{idle_exit} // 300;
    my $leave = 0;
    $SIG{USR1} = sub { $leave = 1 };
    # held while a connection is served, so no system call of the handler sees EINTR; delivered after it
    my $usr1 = POSIX::SigSet->new(SIGUSR1);
    for my $served (1 .. 500) {
        my $c;
        my $l;
        my $since = time;
        until ($c) {
            _leave($o, 0) if $leave;
            my @r = $sel->can_read(10);
            _leave($o, 0) if $leave;
            # a parent that died (and was restarted by s6) must get its port back: idle workers leave
            _leave($o, 0) if getppid != $parent;
            _leave($o, 0) if !@r && time - $since >= $idle_exit;
            for my $r (@r) {
                $c = $r->accept;
                if ($c) { $l = $r; last }
                _leave($o, 1) unless $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR || $!{ECONNABORTED};
            }
        }
        POSIX::sigprocmask(SIG_BLOCK, $usr1);
        $c->blocking(1);
        # no Nagle: these servers answer requests and the edge relays what it read at once; with it, a small write
        # behind unacknowledged bytes waited for the peer's delayed ACK (40 ms): a third of the TLS handshakes
        # through the edge took 50 ms instead of 10 (session 27). Fails harmlessly on a unix socket.
        setsockopt($c, IPPROTO_TCP, TCP_NODELAY, 1);
        syswrite($to_parent, pack('Na', $$, 'b'));
        eval { $o->{handle}->($c, $l); 1 } or print STDERR "prefork: a connection's handler died: $@";
        close $c;
        $o->{after_each}->() if $o->{after_each};
        syswrite($to_parent, pack('Na', $$, 'i'));
        POSIX::sigprocmask(SIG_UNBLOCK, $usr1);
        _leave($o, 0) if $leave;
    }
}

# a worker's end: child_exit, the buffered output written, then no global destruction (see the top)
sub _leave {
    my ($o, $code) = @_;
    eval { $o->{child_exit}->(); 1 } or print STDERR "prefork: child_exit failed: $@" if $o->{child_exit};
    eval { STDOUT->flush; STDERR->flush };
    POSIX::_exit($code);
}

1;
