package Racklab::Prefork;
# A pool of forked workers that accept on shared listening sockets, so a new connection never waits for a
# fork. On these hosts a fork of a 20-30 MB Perl process took 75-250 ms under CPU pressure (measured in a
# file node: fork+exit+wait), and a fork-per-connection server paid that before its first byte, for every
# FTP control and data connection and every edge relay.
#
# serve(listeners => [sock…], handle => sub { my ($conn, $listener) = @_ }, spare => 2, max => 64,
#       child_init => sub {}, after_each => sub {}, idle_exit => 300)
#
# The parent only forks and counts: each worker tells it on a pipe when it takes a connection and when it is
# done, and the parent keeps `spare` workers idle (never more than `max` in all). A worker idle for
# `idle_exit` seconds leaves (the parent makes a new one if that drops the spare count), so a burst's extra
# workers do not stay for good; a worker also leaves after 500 connections, to bound what Perl leaks.
use strict;
use warnings;
use IO::Select;
use POSIX qw(WNOHANG);
use Errno qw(EAGAIN EWOULDBLOCK EINTR);

my $MSG = 5;   # pack('Na'): pid and 'i' (idle) or 'b' (busy); well under PIPE_BUF, so writes never interleave

sub serve {
    my (%o) = @_;
    my @listeners = @{ $o{listeners} };
    my $spare = $o{spare} // 2;
    my $max = $o{max} // 64;
    $_->blocking(0) for @listeners;   # every idle worker wakes on a connection; all but one get EAGAIN
    pipe(my $from_kids, my $to_parent) or die "pipe: $!\n";
    $to_parent->autoflush(1);
    $SIG{CHLD} = 'DEFAULT';
    my %kid;   # pid => 'i' | 'b'
    my $spawn = sub {
        my $pid = fork;
        return unless defined $pid;
        if ($pid) { $kid{$pid} = 'i'; return }
        close $from_kids;
        $SIG{TERM} = $SIG{INT} = sub { exit 0 };
        $o{child_init}->() if $o{child_init};
        _work(\@listeners, $to_parent, \%o);
        exit 0;
    };
    while (1) {
        while ((my $pid = waitpid(-1, WNOHANG)) > 0) { delete $kid{$pid} }
        my $idle = grep { $_ eq 'i' } values %kid;
        while ($idle < $spare && keys(%kid) < $max) { $spawn->(); $idle++ }
        next unless IO::Select->new($from_kids)->can_read(1);
        my $n = sysread($from_kids, my $buf, $MSG * 64);
        next unless $n;
        # a partial message cannot happen (each is one write under PIPE_BUF), so whole records only
        for my $i (0 .. int($n / $MSG) - 1) {
            my ($pid, $st) = unpack('Na', substr($buf, $i * $MSG, $MSG));
            $kid{$pid} = $st if exists $kid{$pid};
        }
    }
}

sub _work {
    my ($listeners, $to_parent, $o) = @_;
    my $parent = getppid;
    my $sel = IO::Select->new(@$listeners);
    my $idle_exit = $o->{idle_exit} // 300;
    for my $served (1 .. 500) {
        my $c;
        my $l;
        my $since = time;
        until ($c) {
            my @r = $sel->can_read(10);
            # a parent that died (and was restarted by s6) must get its port back: idle workers leave
            exit 0 if getppid != $parent;
            exit 0 if !@r && time - $since >= $idle_exit;
            for my $r (@r) {
                $c = $r->accept;
                if ($c) { $l = $r; last }
                exit 1 unless $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR || $!{ECONNABORTED};
            }
        }
        $c->blocking(1);
        syswrite($to_parent, pack('Na', $$, 'b'));
        eval { $o->{handle}->($c, $l); 1 } or print STDERR "prefork: a connection's handler died: $@";
        close $c;
        $o->{after_each}->() if $o->{after_each};
        syswrite($to_parent, pack('Na', $$, 'i'));
    }
}

1;
