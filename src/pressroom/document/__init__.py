"""The document model every stage passes on: releases, their blocks and inline marks, editions."""
