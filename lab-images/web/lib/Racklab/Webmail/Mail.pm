package Racklab::Webmail::Mail;
# Mail for the webmail: IMAP to the user's current Cyrus master (stores.master_slot, read on every
# request, so a promoted replica is used at once) as the admin `cyrus` acting for the user (PLAIN with
# an authzid: the DB only has password hashes), and SMTP to an MX on the internal network.
use strict;
use warnings;
use Mail::IMAPClient;
use Net::SMTP;
use Socket qw(IPPROTO_TCP TCP_NODELAY);
use Email::MIME;
use Encode qw(decode encode);
use POSIX qw(strftime);
use Racklab::Webmail::Config qw(cfg);
use Racklab::Webmail::DB qw(dbh);
use Racklab::MessageId qw(make_message_id);
use Exporter qw(import);
our @EXPORT_OK = qw(master_of imap_for folder_box list_messages read_message search_messages send_message valid_addresses);

our %FOLDERS = (INBOX => 'INBOX', Junk => 'INBOX.Junk');
# the apostrophe is legal (o'brien@…) and must be: every use is a placeholder, an SMTP <…> or escaped
my $ADDR = qr/[A-Za-z0-9._%+'-]{1,64}\@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/;

# master_of(login) → (slot, ip); dies with a sentence when the user has no store or the slot no address
sub master_of {
    my ($login) = @_;
    my ($slot) = dbh()->selectrow_array(
        'SELECT s.master_slot FROM users u JOIN stores s ON s.id = u.store WHERE u.login = ?', undef, $login);
    die "no mail store is assigned to $login\n" unless defined $slot;
    my $ip = cfg('imap_hosts')->{$slot} or die "mail store master $slot is not a known IMAP server\n";
    return ($slot, $ip);
}

sub imap_for {
    my ($login) = @_;
    my ($slot, $ip) = master_of($login);
    my $imap = Mail::IMAPClient->new(
        Server => $ip, Port => 143, Timeout => 10, Uid => 1, Peek => 1,
        User => $login, Proxy => 'cyrus', Password => cfg('cyrus_password'), Authmechanism => 'PLAIN',
    ) or die "the mail store $slot ($ip) does not answer: " . ($@ || 'unknown error') . "\n";
    return $imap;
}

sub folder_box { my ($f) = @_; return $FOLDERS{ $f // '' } }

sub _hdr {
    my ($v) = @_;
    $v = $v->[0] if ref $v eq 'ARRAY';
    return '' unless defined $v;
    my $d = eval { decode('MIME-Header', $v) } // $v;
    $d =~ s/[\r\n]+\s*/ /g;
    return $d;
}

sub _summaries {
    my ($imap, $uids) = @_;
    return [] unless @$uids;
    my $h = $imap->parse_headers($uids, 'From', 'Subject', 'Date') // {};
    my $flags = $imap->flags($uids) // {};
    return [ map {
        my $u = $_;
        { uid => $u, from => _hdr($h->{$u}{From}), subject => _hdr($h->{$u}{Subject}), date => _hdr($h->{$u}{Date}),
          seen => (grep { $_ eq '\\Seen' } @{ $flags->{$u} // [] }) ? 1 : 0 }
    } @$uids ];
}

# list_messages(imap, mailbox, page) → {total, page, pages, messages: [...]} newest first, 25 a page
sub list_messages {
    my ($imap, $box, $page) = @_;
    $imap->select($box) or die "cannot open $box: " . $imap->LastError . "\n";
    my @uids = sort { $b <=> $a } @{ $imap->messages // [] };
    my $pages = int((@uids + 24) / 25) || 1;
    $page = $pages if $page > $pages;
    my ($from, $to) = (($page - 1) * 25, $page * 25 - 1);
    $to = $#uids if $to > $#uids;
    my @slice = $from <= $to ? @uids[ $from .. $to ] : ();
    return { total => scalar @uids, page => $page, pages => $pages, messages => _summaries($imap, \@slice) };
}

# search_messages(imap, mailbox, text) → summaries of the messages whose text contains it (IMAP SEARCH)
sub search_messages {
    my ($imap, $box, $text) = @_;
    $imap->examine($box) or die "cannot open $box: " . $imap->LastError . "\n";
    my $found = $imap->search('TEXT', $imap->Quote(encode('UTF-8', $text)));
    die "search failed: " . $imap->LastError . "\n" if !defined $found && $imap->LastError;
    my @uids = sort { $b <=> $a } @{ $found // [] };
    splice @uids, 100 if @uids > 100;
    return _summaries($imap, \@uids);
}

# read_message(imap, mailbox, uid) → {from, to, subject, date, text|html, attachments} or undef; marks it seen
sub read_message {
    my ($imap, $box, $uid) = @_;
    $imap->select($box) or die "cannot open $box: " . $imap->LastError . "\n";
    my $raw = $imap->message_string($uid) // return undef;
    $imap->see($uid);
    my $m = Email::MIME->new($raw);
    my %out = (uid => $uid, map { lc($_) => _hdr(scalar $m->header_raw($_)) } qw(From To Cc Subject Date));
    my (@text, @html, @att);
    $m->walk_parts(sub {
        my ($p) = @_;
        return if $p->subparts;
        my $ct = lc($p->content_type // 'text/plain');
        my $name = $p->filename;
        my $disp = lc($p->header('Content-Disposition') // '');
        if (defined $name || $disp =~ /^attachment/) { push @att, { name => _hdr($name // 'unnamed'), type => ($ct =~ s/;.*//sr) }; return }
        my $body = eval { $p->body_str } // eval { decode('UTF-8', $p->body) } // $p->body;
        if ($ct =~ m{^text/html}) { push @html, $body } elsif ($ct =~ m{^text/} || $ct eq '') { push @text, $body }
    });
    if (@text) { $out{text} = join "\n\n", @text } elsif (@html) { $out{html} = join "\n", @html } else { $out{text} = '' }
    $out{attachments} = \@att;
    return \%out;
}

# valid_addresses("a@x, b@y") → list of addresses, or () when any part is not a plain address
sub valid_addresses {
    my ($s) = @_;
    my @out;
    for my $part (split /\s*[,;]\s*/, $s // '') {
        next unless length $part;
        my ($a) = $part =~ /^\s*($ADDR)\s*$/ or return ();
        push @out, $a;
    }
    return @out;
}

# send_message(session, [to], subject, body) → Message-ID; tries each MX on the internal network
sub send_message {
    my ($s, $to, $subject, $body) = @_;
    my $domain = cfg('domain');
    my ($login) = $s->{login} =~ /^([a-z][a-z0-9._-]*)$/ or die "bad login\n";
    my $from = "$login\@$domain";
    my $msgid = make_message_id($domain);
    my $mail = Email::MIME->create(
        header_str => [
            From => (length $s->{full_name} ? qq{"$s->{full_name}" <$from>} : $from),
            To => join(', ', @$to), Subject => $subject,
            Date => strftime('%a, %d %b %Y %H:%M:%S +0000', gmtime), 'Message-ID' => $msgid,
            'User-Agent' => 'Racklab Webmail (' . cfg('server') . ')',
        ],
        attributes => { content_type => 'text/plain', charset => 'UTF-8', encoding => 'quoted-printable' },
        body_str => $body,
    );
    my @why;
    for my $mx (@{ cfg('mx_hosts') }) {
        my $smtp = Net::SMTP->new($mx, Port => 25, Timeout => 15, Hello => cfg('server') . ".$domain");
        unless ($smtp) { push @why, "$mx: no answer"; next }
        # Net::SMTP ends DATA with a small write of its own behind the body: with Nagle it waited for Postfix's
        # delayed ACK (a send's DATA 117-129 ms, 74-82 ms without; session 27)
        setsockopt($smtp, IPPROTO_TCP, TCP_NODELAY, 1);
        my $ok = $smtp->mail($from) && $smtp->to(@$to) && $smtp->data($mail->as_string);
        my ($msg, $code) = ($smtp->message // '', $smtp->code // '');
        $smtp->quit;
        return $msgid if $ok;
        $msg =~ s/\s+$//;
        push @why, "$mx: $msg";
        last if $code =~ /^5/;    # a refusal is final; only an unreachable MX is skipped
    }
    die "the message was not sent (" . join('; ', @why) . ")\n";
}

1;
