from django.urls import path

from dialogues.views import latest, moderation, outcomes, reading, search, topics_admin, writing
from eca_portal.shared_pages import cached_per_audience

app_name = "dialogues"

# Fixed paths first; the topic pages (a topic's slug can be any word) come last, below.
urlpatterns = [
    # Reading: the topics, a thread, permalinks, history, attachments.
    path(
        "",
        cached_per_audience(reading.reading_audience, personal=reading.topic_list_personal)(
            reading.TopicListView.as_view()
        ),
        name="topic_list",
    ),
    path("mark-all-read/", reading.mark_all_read, name="mark_all_read"),
    # Shared by the view itself (it marks what the person read first).
    path("t/<int:pk>/", reading.ThreadDetailView.as_view(), name="thread_detail"),
    path("t/<int:pk>/<int:number>/", reading.post_permalink, name="post_permalink"),
    path("t/<int:pk>/follow/", reading.thread_follow, name="thread_follow"),
    path("posts/<int:pk>/history/", reading.PostHistoryView.as_view(), name="post_history"),
    path("attachments/<int:pk>/", reading.attachment_download, name="attachment_download"),
    # Writing: replies, edits, useful marks.
    path("t/<int:pk>/reply/", writing.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/edit/", writing.PostEditView.as_view(), name="post_edit"),
    path("posts/<int:pk>/useful/", writing.post_useful, name="post_useful"),
    # --- Moderation, outcomes, search, topic management --------------------------------------
    # Fixed paths ("latest/", "outcomes/", "search/", "moderation/"…) go here, above the topic
    # pages. The reading pages link to these names when they exist: dialogues:latest,
    # dialogues:outcome_list, dialogues:post_flag (pk=<post pk>); and they include these
    # partials when they exist: dialogues/partials/outcome_panel.html (context: outcome, thread,
    # access), dialogues/partials/thread_moderation_actions.html (thread, access) and
    # dialogues/partials/post_moderation_actions.html (post, thread, access).
    path("latest/", latest.LatestThreadListView.as_view(), name="latest"),
    path(
        "search/",
        cached_per_audience(reading.reading_audience)(search.SearchView.as_view()),
        name="search",
    ),
    path("outcomes/", outcomes.OutcomeListView.as_view(), name="outcome_list"),
    path("t/<int:pk>/outcome/", outcomes.OutcomeEditView.as_view(), name="outcome_edit"),
    path(
        "t/<int:pk>/outcome/history/",
        outcomes.OutcomeHistoryView.as_view(),
        name="outcome_history",
    ),
    path("t/<int:pk>/outcome/endorse/", outcomes.outcome_endorse, name="outcome_endorse"),
    path(
        "t/<int:pk>/outcome/withdraw/",
        outcomes.outcome_endorsement_withdraw,
        name="outcome_endorsement_withdraw",
    ),
    path("t/<int:pk>/moderate/", moderation.ThreadModerateView.as_view(), name="thread_moderate"),
    path("posts/<int:pk>/flag/", moderation.PostFlagView.as_view(), name="post_flag"),
    path("posts/<int:pk>/hide/", moderation.PostHideView.as_view(), name="post_hide"),
    path("posts/<int:pk>/restore/", moderation.PostRestoreView.as_view(), name="post_restore"),
    path("flags/<int:pk>/resolve/", moderation.flag_resolve, name="flag_resolve"),
    path("moderation/", moderation.ModerationQueueView.as_view(), name="moderation_queue"),
    path("moderation/log/", moderation.ModerationLogView.as_view(), name="moderation_log"),
    path("manage/topics/new/", topics_admin.TopicCreateView.as_view(), name="topic_create"),
    path("manage/topics/<slug:slug>/", topics_admin.TopicEditView.as_view(), name="topic_edit"),
    path("manage/topics/<slug:slug>/archive/", topics_admin.topic_archive, name="topic_archive"),
    path("manage/topics/<slug:slug>/reopen/", topics_admin.topic_reopen, name="topic_reopen"),
]

# One topic's pages: after every fixed path, since a slug matches any word.
urlpatterns += [
    path(
        "<slug:slug>/",
        cached_per_audience(reading.topic_audience, personal=reading.topic_detail_personal)(
            reading.TopicDetailView.as_view()
        ),
        name="topic_detail",
    ),
    path("<slug:slug>/new/", writing.ThreadCreateView.as_view(), name="thread_create"),
    path("<slug:slug>/follow/", reading.topic_follow, name="topic_follow"),
    path("<slug:slug>/mark-read/", reading.topic_mark_read, name="topic_mark_read"),
    path("<slug:slug>/mentions/", writing.mention_candidates, name="mention_candidates"),
]
