package Racklab::Webmail::Pages;
# The webmail's pages: plain 2007-style HTML, no script. Every dynamic value is escaped here.
use strict;
use warnings;
use Racklab::Webmail::Html qw(esc url_esc sanitize_html page);
use Racklab::Webmail::Session qw(csrf_token);
use Exporter qw(import);
our @EXPORT_OK = qw(login_page message_list_page read_page compose_page contacts_page notice_page files_page);

sub _u { my ($s, $path, %q) = @_; return esc("$path?" . join '&', "s=$s->{salt}", map { "$_=" . url_esc($q{$_}) } sort keys %q) }
sub _csrf { my ($s) = @_; return '<input type="hidden" name="s" value="' . esc($s->{salt}) . '"><input type="hidden" name="csrf" value="' . csrf_token($s) . '">' }

sub _frame {
    my ($s, $title, $body, $backend) = @_;
    my $nav = join '',
      '<a href="' . _u($s, '/mail/inbox', f => 'INBOX') . '">Inbox</a>',
      '<a href="' . _u($s, '/mail/inbox', f => 'Junk') . '">Junk</a>',
      '<a href="' . _u($s, '/mail/compose') . '">Compose</a>',
      '<a href="' . _u($s, '/mail/contacts') . '">Address book</a>',
      '<a href="' . _u($s, '/mail/files', d => '/') . '">Files</a>',
      '<form class="inline" method="get" action="/mail/search"><input type="hidden" name="s" value="' . esc($s->{salt}) . '">',
      '<input type="text" name="q" size="18" placeholder="search mail"> <input type="submit" value="Search"></form> &nbsp; ',
      '<form class="inline" method="post" action="/mail/logout">' . _csrf($s) . '<input type="submit" value="Log out"></form>';
    my $who = length($s->{full_name}) ? "$s->{full_name} <$s->{login}>" : $s->{login};
    return page($title, $body, { user => $who, nav => $nav, backend => $backend });
}

sub login_page {
    my ($error, $login, $backend) = @_;
    my $err = $error ? '<div class="err">' . esc($error) . '</div>' : '';
    my $body = <<"HTML";
<h2>Log in</h2>$err
<form method="post" action="/login"><table>
<tr><td><label for="u">Username</label></td><td><input type="text" id="u" name="username" value="@{[ esc($login) ]}" size="24" autofocus></td></tr>
<tr><td><label for="p">Password</label></td><td><input type="password" id="p" name="password" size="24"></td></tr>
<tr><td></td><td><input type="submit" value="Log in"></td></tr></table></form>
<p>Test accounts come from the lab topology (alice, bob, ...).</p>
HTML
    return page('Log in', $body, { backend => $backend });
}

sub _rows {
    my ($s, $folder, $msgs) = @_;
    return '<p>No messages.</p>' unless @$msgs;
    my $rows = join "\n", map {
        my $m = $_;
        '<tr' . ($m->{seen} ? '' : ' class="unseen"') . '><td>' . esc($m->{from}) . '</td><td><a href="'
          . _u($s, '/mail/read', f => $folder, u => $m->{uid}) . '">' . (length $m->{subject} ? esc($m->{subject}) : '(no subject)')
          . '</a></td><td>' . esc($m->{date}) . '</td></tr>'
    } @$msgs;
    return qq{<table class="list"><tr><th>From</th><th>Subject</th><th>Date</th></tr>\n$rows\n</table>};
}

# message_list_page(session, folder, {total, page, pages, messages} | undef, notice, backend, query)
sub message_list_page {
    my ($s, $folder, $list, $notice, $backend, $query) = @_;
    my $ok = $notice ? '<div class="ok">' . esc($notice) . '</div>' : '';
    if (defined $query) {
        return _frame($s, 'Search', "$ok<h2>Search " . esc($folder) . ' for &ldquo;' . esc($query) . '&rdquo;</h2>'
          . '<p>' . scalar(@{ $list->{messages} }) . ' found.</p>' . _rows($s, $folder, $list->{messages}), $backend);
    }
    my $pager = '';
    $pager .= '<a href="' . _u($s, '/mail/inbox', f => $folder, p => $list->{page} - 1) . '">&laquo; newer</a> ' if $list->{page} > 1;
    $pager .= '<a href="' . _u($s, '/mail/inbox', f => $folder, p => $list->{page} + 1) . '">older &raquo;</a>' if $list->{page} < $list->{pages};
    return _frame($s, $folder, "$ok<h2>" . esc($folder) . " <small>($list->{total} message" . ($list->{total} == 1 ? "" : "s") . ", page $list->{page} of $list->{pages})</small></h2>"
      . _rows($s, $folder, $list->{messages}) . "<p>$pager</p>", $backend);
}

sub read_page {
    my ($s, $folder, $m, $backend) = @_;
    my $hdr = join '', map { $m->{$_} ne '' ? '<tr><td><b>' . ucfirst($_) . ':</b></td><td>' . esc($m->{$_}) . '</td></tr>' : '' } qw(from to cc date subject);
    my $content = defined $m->{html} ? '<div class="html">' . sanitize_html($m->{html}) . '</div>' : '<pre>' . esc($m->{text}) . '</pre>';
    my $att = @{ $m->{attachments} } ? '<p>Attachments: ' . join(', ', map { esc("$_->{name} ($_->{type})") } @{ $m->{attachments} }) . '</p>' : '';
    my ($addr) = $m->{from} =~ /([^\s<>"]+\@[^\s<>"]+)/;
    my $reply = '<a href="' . _u($s, '/mail/compose', to => $addr // '', re => $m->{subject}) . '">Reply</a> &middot; ';
    return _frame($s, $m->{subject} || '(no subject)',
        '<p>' . $reply . '<a href="' . _u($s, '/mail/inbox', f => $folder) . '">Back to ' . esc($folder) . "</a></p>"
          . qq{<table class="hdr">$hdr</table><div class="msg">$content</div>$att}, $backend);
}

sub compose_page {
    my ($s, $f, $error, $contacts, $backend) = @_;
    my $err = $error ? '<div class="err">' . esc($error) . '</div>' : '';
    my $book = @$contacts ? '<p>Address book: ' . join(', ', map { esc("$_->{name} <$_->{email}>") } @$contacts) . '</p>' : '';
    return _frame($s, 'Compose', <<"HTML", $backend);
<h2>Compose</h2>$err
<form method="post" action="/mail/send">@{[ _csrf($s) ]}<table>
<tr><td><label for="to">To</label></td><td><input type="text" id="to" name="to" size="60" value="@{[ esc($f->{to}) ]}"></td></tr>
<tr><td><label for="subject">Subject</label></td><td><input type="text" id="subject" name="subject" size="60" value="@{[ esc($f->{subject}) ]}"></td></tr>
<tr><td></td><td><textarea id="body" name="body" rows="14" cols="72">@{[ esc($f->{body}) ]}</textarea></td></tr>
<tr><td></td><td><input type="submit" value="Send"></td></tr></table></form>$book
HTML
}

sub contacts_page {
    my ($s, $contacts, $notice, $error, $backend) = @_;
    my $msg = ($notice ? '<div class="ok">' . esc($notice) . '</div>' : '') . ($error ? '<div class="err">' . esc($error) . '</div>' : '');
    my $rows = join "\n", map {
        '<tr><td>' . esc($_->{name}) . '</td><td><a href="' . _u($s, '/mail/compose', to => $_->{email}) . '">' . esc($_->{email}) . '</a></td><td>'
          . '<form class="inline" method="post" action="/mail/contacts/delete">' . _csrf($s)
          . '<input type="hidden" name="id" value="' . esc($_->{id}) . '"><input type="submit" value="Delete"></form></td></tr>'
    } @$contacts;
    return _frame($s, 'Address book', <<"HTML", $backend);
<h2>Address book</h2>$msg
<table class="list"><tr><th>Name</th><th>Address</th><th></th></tr>
$rows
</table>
<h3>Add a contact</h3>
<form method="post" action="/mail/contacts/add">@{[ _csrf($s) ]}
<label>Name <input type="text" name="name" size="24"></label> <label>Address <input type="text" name="email" size="30"></label>
<input type="submit" value="Add"></form>
HTML
}

sub _size { my ($n) = @_; return $n < 1024 ? "$n B" : $n < 1048576 ? sprintf('%.1f KB', $n / 1024) : sprintf('%.1f MB', $n / 1048576) }

# files_page(session, dir, [{name, kind, size, mtime}…], notice, error, backend)
sub files_page {
    my ($s, $dir, $entries, $notice, $error, $backend) = @_;
    my $msg = ($notice ? '<div class="ok">' . esc($notice) . '</div>' : '') . ($error ? '<div class="err">' . esc($error) . '</div>' : '');
    my $sub = sub { my ($n) = @_; return $dir eq '/' ? "/$n" : "$dir/$n" };
    my $up = $dir eq '/' ? '' : '<p><a href="' . _u($s, '/mail/files', d => ($dir =~ m{^(.*)/[^/]+$})[0] || '/') . '">&uarr; Up</a></p>';
    my $rows = join "\n", map {
        my $e = $_;
        my $link = $e->{kind} eq 'dir'
          ? '<a href="' . _u($s, '/mail/files', d => $sub->($e->{name})) . '">' . esc($e->{name}) . '/</a>'
          : '<a href="' . _u($s, '/mail/files/get', p => $sub->($e->{name})) . '">' . esc($e->{name}) . '</a>';
        "<tr><td>$link</td><td>" . ($e->{kind} eq 'dir' ? '' : _size($e->{size})) . '</td><td>' . esc(scalar gmtime($e->{mtime})) . '</td></tr>'
    } @$entries;
    my $table = @$entries ? qq{<table class="list"><tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr>\n$rows\n</table>} : '<p>This folder is empty.</p>';
    my $d = esc($dir);
    return _frame($s, "Files $dir", <<"HTML", $backend);
<h2>Files <small>$d</small></h2>$msg$up
$table
<h3>Upload a file here</h3>
<form method="post" action="/mail/files/upload" enctype="multipart/form-data">@{[ _csrf($s) ]}<input type="hidden" name="d" value="$d">
<input type="file" name="file"> <input type="submit" value="Upload"></form>
<h3>New folder</h3>
<form method="post" action="/mail/files/mkdir">@{[ _csrf($s) ]}<input type="hidden" name="d" value="$d">
<input type="text" name="name" size="24"> <input type="submit" value="Create"></form>
<p>The same files are reachable over WebDAV (https://&hellip;/dav/) and FTP with your login.</p>
HTML
}

# notice_page(title, text, backend, 'back'?) — 'back': the session is still fine, so no "Log in" link
sub notice_page {
    my ($title, $text, $backend, $back) = @_;
    my $link = $back ? '' : '<p><a href="/login">Log in</a></p>';
    return page($title, '<h2>' . esc($title) . '</h2><div class="err">' . esc($text) . "</div>$link", { backend => $backend });
}

1;
