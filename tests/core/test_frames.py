import warnings

from chatplex.core.frames import user_stacklevel


def test_a_warning_points_at_the_first_frame_outside_chatplex() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("here", stacklevel=user_stacklevel())
    assert [w.filename for w in caught] == [__file__]


def test_it_counts_the_frames_chatplex_passes_through() -> None:
    # called from this test file (outside chatplex): the warning is this function's own
    assert user_stacklevel() == 1
