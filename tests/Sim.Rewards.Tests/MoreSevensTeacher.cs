using Sim.Rewards.Preferences;
using Sim.Rewards.Teachers;

namespace Sim.Rewards.Tests;

/// <summary>The scripted rule of the text tests: the sequence with the larger share of token 7 is better; equal shares
/// are Equal.</summary>
public sealed class MoreSevensTeacher : ImmediateTeacher<TokenSequence>
{
    public override string LabelerId => "teacher:more-sevens";

    public override PreferenceLabel Answer(TokenSequence left, TokenSequence right)
    {
        int order = left.ShareOf(7).CompareTo(right.ShareOf(7));
        return order > 0 ? PreferenceLabel.Left : order < 0 ? PreferenceLabel.Right : PreferenceLabel.Equal;
    }
}
