"""The joint initiatives' pages: the directory (directory.py), an initiative's page
(detail.py), proposing and editing (propose.py); the partners, commitments, news, documents
and status pages live in their own modules beside these."""
