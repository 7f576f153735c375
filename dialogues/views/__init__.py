"""The dialogues' pages, one module per area:

- reading: the topics, a topic's threads, a thread, permalinks, a post's history, attachment
  downloads, following and marking as read;
- writing: starting a thread, replying, editing a post, useful marks, the @mention lookup;
- latest, outcomes, search, moderation, topics_admin: the cross-topic lists, outcomes and
  endorsements, search, moderation and the secretariat's topic management (links: the
  addresses of the reading pages they link to).
"""
